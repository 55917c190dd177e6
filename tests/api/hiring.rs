//! The hiring side: organisations, members, invitations, requisitions and the job board, with
//! the access policy as a matrix of roles × objects × operations.

use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::{Value, json};

use crate::support::{Account, TestApp, codes, only_error};

/// Runs `name(input: $input) { selection }` with the input type given; the whole response.
pub async fn call(
    app: &TestApp,
    who: Option<&Account>,
    name: &str,
    input_type: &str,
    input: Value,
    selection: &str,
) -> Value {
    let query = format!("mutation($input: {input_type}!) {{ {name}(input: $input) {{ {selection} }} }}");
    app.gql(
        &query,
        json!({ "input": input }),
        who.map(|a| a.access_token.as_str()),
    )
    .await
}

/// The same, which must succeed: the payload.
pub async fn done(
    app: &TestApp,
    who: &Account,
    name: &str,
    input_type: &str,
    input: Value,
    selection: &str,
) -> Value {
    let response = call(app, Some(who), name, input_type, input, selection).await;
    assert!(response.get("errors").is_none(), "{name} failed: {response}");
    response["data"][name].clone()
}

pub fn id(value: &Value) -> String {
    value
        .as_str()
        .unwrap_or_else(|| panic!("not an id: {value}"))
        .to_owned()
}

/// An organisation with a member in every role, a hiring manager, a member of another
/// organisation and a candidate who belongs to none.
pub struct Cast {
    pub admin: Account,
    pub recruiter: Account,
    pub interviewer: Account,
    pub manager: Account,
    pub outsider: Account,
    pub candidate: Account,
    pub organization: String,
    pub members: Vec<(String, String)>,
}

pub async fn invite(app: &TestApp, admin: &Account, organization: &str, email: &str, role: &str) -> String {
    let invited = done(
        app,
        admin,
        "inviteMember",
        "InviteMemberInput",
        json!({ "organizationId": organization, "email": email, "role": role }),
        "token invitation { id status role }",
    )
    .await;
    assert_eq!(invited["invitation"]["status"], "PENDING");
    id(&invited["token"])
}

pub async fn join(app: &TestApp, who: &Account, token: &str) -> String {
    let joined = done(
        app,
        who,
        "acceptInvitation",
        "AcceptInvitationInput",
        json!({ "token": token }),
        "member { id role }",
    )
    .await;
    id(&joined["member"]["id"])
}

pub async fn create_organization(app: &TestApp, admin: &Account, slug: &str) -> String {
    let created = done(
        app,
        admin,
        "createOrganization",
        "CreateOrganizationInput",
        json!({ "name": format!("Org {slug}"), "slug": slug, "website": "https://example.com", "sizeBand": "51-200" }),
        "organization { id slug viewerRole }",
    )
    .await;
    assert_eq!(created["organization"]["viewerRole"], "ADMIN");
    id(&created["organization"]["id"])
}

pub async fn cast(app: &TestApp, tag: &str) -> Cast {
    let email = |role: &str| format!("{role}-{tag}@example.com");
    let admin = app.sign_up(&email("admin")).await;
    let recruiter = app.sign_up(&email("recruiter")).await;
    let interviewer = app.sign_up(&email("interviewer")).await;
    let manager = app.sign_up(&email("manager")).await;
    let outsider = app.sign_up(&email("outsider")).await;
    let candidate = app.sign_up(&email("candidate")).await;
    let organization = create_organization(app, &admin, &format!("acme-{tag}")).await;
    let mut members = Vec::new();
    for (who, role, name) in [
        (&recruiter, "RECRUITER", "recruiter"),
        (&interviewer, "INTERVIEWER", "interviewer"),
        (&manager, "INTERVIEWER", "manager"),
    ] {
        let token = invite(app, &admin, &organization, &email(name), role).await;
        members.push((name.to_owned(), join(app, who, &token).await));
    }
    create_organization(app, &outsider, &format!("other-{tag}")).await;
    Cast {
        admin,
        recruiter,
        interviewer,
        manager,
        outsider,
        candidate,
        organization,
        members,
    }
}

impl Cast {
    pub fn member(&self, name: &str) -> String {
        self.members
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, id)| id.clone())
            .unwrap_or_default()
    }

    /// Everyone, by the name the matrix uses (`None`: no token).
    pub fn everyone(&self) -> Vec<(&'static str, Option<&Account>)> {
        vec![
            ("admin", Some(&self.admin)),
            ("recruiter", Some(&self.recruiter)),
            ("interviewer", Some(&self.interviewer)),
            ("manager", Some(&self.manager)),
            ("outsider", Some(&self.outsider)),
            ("candidate", Some(&self.candidate)),
            ("anonymous", None),
        ]
    }
}

pub async fn create_requisition(app: &TestApp, cast: &Cast, title: &str) -> String {
    let created = done(
        app,
        &cast.recruiter,
        "createRequisition",
        "CreateRequisitionInput",
        json!({
            "organizationId": cast.organization,
            "title": title,
            "description": "Build the payments platform in Rust.",
            "location": "Berlin, Germany",
            "remoteOk": true,
            "employmentType": "FULL_TIME",
            "minSalary": 70000, "maxSalary": 90000, "currency": "eur",
            "positionsAvailable": 2,
            "hiringManagerId": cast.member("manager"),
        }),
        "requisition { id status isPublished currency hiringManager { id } } requisitionEdge { cursor node { id } }",
    )
    .await;
    let requisition = &created["requisition"];
    assert_eq!(created["requisitionEdge"]["node"]["id"], requisition["id"]);
    assert!(created["requisitionEdge"]["cursor"].is_string(), "{created}");
    assert_eq!(requisition["status"], "DRAFT");
    assert_eq!(requisition["currency"], "EUR");
    assert_eq!(requisition["hiringManager"]["id"], json!(cast.member("manager")));
    id(&requisition["id"])
}

pub async fn open_and_publish(app: &TestApp, who: &Account, requisition: &str) {
    done(
        app,
        who,
        "changeRequisitionStatus",
        "ChangeRequisitionStatusInput",
        json!({ "id": requisition, "status": "OPEN" }),
        "requisition { status }",
    )
    .await;
    done(
        app,
        who,
        "publishRequisition",
        "PublishRequisitionInput",
        json!({ "id": requisition, "published": true }),
        "requisition { isPublished publishedAt }",
    )
    .await;
}

const NODE: &str = "query($id: ID!) { node(id: $id) { id __typename } }";

pub async fn node_code(app: &TestApp, who: Option<&Account>, id: &str) -> String {
    let response = app
        .gql(NODE, json!({ "id": id }), who.map(|a| a.access_token.as_str()))
        .await;
    if response.get("errors").is_none() {
        assert_eq!(response["data"]["node"]["id"], json!(id), "{response}");
        return "ok".to_owned();
    }
    only_error(&response).0
}

#[tokio::test(flavor = "multi_thread")]
async fn members_join_by_invitation_and_the_last_admin_stays() {
    let app = TestApp::new().await;
    let cast = cast(&app, "inv").await;

    let memberships = app
        .ok(
            "{ viewer { organizations { totalCount edges { node { role organization { slug members { totalCount edges { node { role email isViewer } } } } } } } } }",
            json!({}),
            Some(&cast.recruiter.access_token),
        )
        .await;
    let membership = &memberships["viewer"]["organizations"]["edges"][0]["node"];
    assert_eq!(memberships["viewer"]["organizations"]["totalCount"], 1);
    assert_eq!(membership["role"], "RECRUITER");
    assert_eq!(membership["organization"]["slug"], "acme-inv");
    let members = membership["organization"]["members"]["edges"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let roles: Vec<&str> = members
        .iter()
        .filter_map(|m| m["node"]["role"].as_str())
        .collect();
    assert_eq!(roles, ["ADMIN", "RECRUITER", "INTERVIEWER", "INTERVIEWER"]);
    assert_eq!(members[0]["node"]["email"], "admin-inv@example.com");

    // A token works once, and only for the address it was sent to.
    let token = invite(
        &app,
        &cast.admin,
        &cast.organization,
        "late-inv@example.com",
        "RECRUITER",
    )
    .await;
    let stranger = app.sign_up("stranger-inv@example.com").await;
    let wrong = call(
        &app,
        Some(&stranger),
        "acceptInvitation",
        "AcceptInvitationInput",
        json!({ "token": token }),
        "member { id }",
    )
    .await;
    assert_eq!(only_error(&wrong).0, "FORBIDDEN");
    let late = app.sign_up("late-inv@example.com").await;
    join(&app, &late, &token).await;
    let again = call(
        &app,
        Some(&late),
        "acceptInvitation",
        "AcceptInvitationInput",
        json!({ "token": token }),
        "member { id }",
    )
    .await;
    assert_eq!(only_error(&again).0, "NOT_FOUND");
    let forged = call(
        &app,
        Some(&late),
        "acceptInvitation",
        "AcceptInvitationInput",
        json!({ "token": "nope" }),
        "member { id }",
    )
    .await;
    assert_eq!(only_error(&forged).0, "NOT_FOUND");

    // An expired token is refused.
    let token = invite(
        &app,
        &cast.admin,
        &cast.organization,
        "slow-inv@example.com",
        "INTERVIEWER",
    )
    .await;
    let mut conn = AsyncPgConnection::establish(&app.database_url)
        .await
        .expect("connect");
    diesel::sql_query("update organization_invitations set expires_at = now() - interval '1 minute' where email = 'slow-inv@example.com'")
        .execute(&mut conn)
        .await
        .expect("expire");
    let slow = app.sign_up("slow-inv@example.com").await;
    let expired = call(
        &app,
        Some(&slow),
        "acceptInvitation",
        "AcceptInvitationInput",
        json!({ "token": token }),
        "member { id }",
    )
    .await;
    assert_eq!(only_error(&expired).0, "NOT_FOUND");

    // Only admins invite; an outsider cannot even see the organisation.
    let by_recruiter = call(
        &app,
        Some(&cast.recruiter),
        "inviteMember",
        "InviteMemberInput",
        json!({ "organizationId": cast.organization, "email": "x@example.com", "role": "ADMIN" }),
        "token",
    )
    .await;
    assert_eq!(only_error(&by_recruiter).0, "FORBIDDEN");
    let by_outsider = call(
        &app,
        Some(&cast.outsider),
        "inviteMember",
        "InviteMemberInput",
        json!({ "organizationId": cast.organization, "email": "x@example.com", "role": "ADMIN" }),
        "token",
    )
    .await;
    assert_eq!(only_error(&by_outsider).0, "NOT_FOUND");

    // The last admin can neither leave nor lose the role; with a second admin they can.
    let admins_member = app
        .ok(
            "{ viewer { organizations { edges { node { id } } } } }",
            json!({}),
            Some(&cast.admin.access_token),
        )
        .await["viewer"]["organizations"]["edges"][0]["node"]["id"]
        .clone();
    let leave = call(
        &app,
        Some(&cast.admin),
        "removeMember",
        "IdInput",
        json!({ "id": admins_member }),
        "deletedId",
    )
    .await;
    assert_eq!(
        only_error(&leave),
        ("BAD_USER_INPUT".to_owned(), Some("memberId".to_owned()))
    );
    let demote = call(
        &app,
        Some(&cast.admin),
        "changeMemberRole",
        "ChangeMemberRoleInput",
        json!({ "memberId": admins_member, "role": "RECRUITER" }),
        "member { role }",
    )
    .await;
    assert_eq!(only_error(&demote).0, "BAD_USER_INPUT");
    done(
        &app,
        &cast.admin,
        "changeMemberRole",
        "ChangeMemberRoleInput",
        json!({ "memberId": cast.member("recruiter"), "role": "ADMIN" }),
        "member { role }",
    )
    .await;
    done(
        &app,
        &cast.admin,
        "removeMember",
        "IdInput",
        json!({ "id": admins_member }),
        "deletedId",
    )
    .await;
    let gone = app
        .ok(
            "{ viewer { organizations { totalCount } } }",
            json!({}),
            Some(&cast.admin.access_token),
        )
        .await;
    assert_eq!(gone["viewer"]["organizations"]["totalCount"], 0);

    // Slugs are unique and well-formed.
    let taken = call(
        &app,
        Some(&cast.candidate),
        "createOrganization",
        "CreateOrganizationInput",
        json!({ "name": "Copy", "slug": "acme-inv" }),
        "organization { id }",
    )
    .await;
    assert_eq!(only_error(&taken).0, "CONFLICT");
    let malformed = call(
        &app,
        Some(&cast.candidate),
        "createOrganization",
        "CreateOrganizationInput",
        json!({ "name": "Bad", "slug": "Not a slug!" }),
        "organization { id }",
    )
    .await;
    assert_eq!(
        only_error(&malformed),
        ("BAD_USER_INPUT".to_owned(), Some("slug".to_owned()))
    );
}

/// Reads of every hiring object by every role: `ok` or the error code.
#[tokio::test(flavor = "multi_thread")]
async fn every_role_reads_what_the_policy_allows() {
    let app = TestApp::new().await;
    let cast = cast(&app, "read").await;
    let draft = create_requisition(&app, &cast, "Draft role").await;
    let public = create_requisition(&app, &cast, "Public role").await;
    open_and_publish(&app, &cast.recruiter, &public).await;
    let invitation = done(
        &app,
        &cast.admin,
        "inviteMember",
        "InviteMemberInput",
        json!({ "organizationId": cast.organization, "email": "pending-read@example.com", "role": "RECRUITER" }),
        "invitation { id }",
    )
    .await["invitation"]["id"]
        .clone();
    let required_skill = |requisition: String| {
        let (app, recruiter) = (&app, &cast.recruiter);
        async move {
            let set = done(
                app,
                recruiter,
                "setRequisitionSkill",
                "SetRequisitionSkillInput",
                json!({ "requisitionId": requisition, "skillName": "Rust", "level": "EXPERT" }),
                "requisition { requiredSkills { id } }",
            )
            .await;
            id(&set["requisition"]["requiredSkills"][0]["id"])
        }
    };
    let draft_skill = required_skill(draft.clone()).await;
    let public_skill = required_skill(public.clone()).await;

    let objects = [
        ("organization", cast.organization.clone()),
        ("member", cast.member("recruiter")),
        ("invitation", id(&invitation)),
        ("draft requisition", draft.clone()),
        ("published requisition", public.clone()),
        ("draft requisition's skill", draft_skill),
        ("published requisition's skill", public_skill),
    ];
    // admin, recruiter, interviewer, manager (an interviewer who manages both requisitions),
    // outsider, candidate, anonymous.
    let expected: [(&str, [&str; 7]); 7] = [
        (
            "organization",
            ["ok", "ok", "ok", "ok", "ok", "ok", "UNAUTHENTICATED"],
        ),
        (
            "member",
            [
                "ok",
                "ok",
                "ok",
                "ok",
                "NOT_FOUND",
                "NOT_FOUND",
                "UNAUTHENTICATED",
            ],
        ),
        (
            "invitation",
            [
                "ok",
                "NOT_FOUND",
                "NOT_FOUND",
                "NOT_FOUND",
                "NOT_FOUND",
                "NOT_FOUND",
                "UNAUTHENTICATED",
            ],
        ),
        (
            "draft requisition",
            [
                "ok",
                "ok",
                "NOT_FOUND",
                "ok",
                "NOT_FOUND",
                "NOT_FOUND",
                "UNAUTHENTICATED",
            ],
        ),
        (
            "published requisition",
            ["ok", "ok", "ok", "ok", "ok", "ok", "UNAUTHENTICATED"],
        ),
        // A required skill reads as its requisition does.
        (
            "draft requisition's skill",
            [
                "ok",
                "ok",
                "NOT_FOUND",
                "ok",
                "NOT_FOUND",
                "NOT_FOUND",
                "UNAUTHENTICATED",
            ],
        ),
        (
            "published requisition's skill",
            ["ok", "ok", "ok", "ok", "ok", "ok", "UNAUTHENTICATED"],
        ),
    ];
    let mut seen = Vec::new();
    for (name, object) in &objects {
        let mut row = Vec::new();
        for (_, who) in cast.everyone() {
            row.push(node_code(&app, who, object).await);
        }
        seen.push((*name, row));
    }
    for ((name, want), (_, got)) in expected.iter().zip(&seen) {
        assert_eq!(&want.to_vec(), got, "reads of the {name}");
    }

    // Lists show the same: the organisation's requisitions per role, and the job board
    // (without a token too) only the published one.
    let listed = |who: Option<&Account>| {
        let app = &app;
        let organization = cast.organization.clone();
        let token = who.map(|a| a.access_token.clone());
        async move {
            let response = app
                .gql(
                    "query($id: ID!) { node(id: $id) { ... on Organization { requisitions { totalCount } members { totalCount } invitations { totalCount } } } }",
                    json!({ "id": organization }),
                    token.as_deref(),
                )
                .await;
            let org = &response["data"]["node"];
            (
                org["requisitions"]["totalCount"].as_i64().unwrap_or(-1),
                org["members"]["totalCount"].as_i64().unwrap_or(-1),
                org["invitations"]["totalCount"].as_i64().unwrap_or(-1),
            )
        }
    };
    assert_eq!(listed(Some(&cast.admin)).await, (2, 4, 1));
    assert_eq!(listed(Some(&cast.recruiter)).await, (2, 4, 0));
    assert_eq!(listed(Some(&cast.interviewer)).await, (1, 4, 0));
    assert_eq!(listed(Some(&cast.manager)).await, (2, 4, 0));
    assert_eq!(listed(Some(&cast.outsider)).await, (1, 0, 0));
    assert_eq!(listed(Some(&cast.candidate)).await, (1, 0, 0));

    let board = app
        .ok(
            "{ openRequisitions { totalCount edges { node { id title organization { name } hiringManager { id } } } } }",
            json!({}),
            None,
        )
        .await;
    assert_eq!(board["openRequisitions"]["totalCount"], 1);
    let job = &board["openRequisitions"]["edges"][0]["node"];
    assert_eq!(job["id"], json!(public));
    assert_eq!(job["organization"]["name"], "Org acme-read");
    assert_eq!(
        job["hiringManager"],
        Value::Null,
        "anonymous readers do not see members"
    );
}

/// Every mutation of the hiring side by every role: `ok` or the error code; a refused one
/// changes nothing.
#[tokio::test(flavor = "multi_thread")]
async fn every_role_changes_only_what_its_role_allows() {
    let app = TestApp::new().await;
    let cast = cast(&app, "write").await;
    let requisition = create_requisition(&app, &cast, "Matrix role").await;

    // Each mutation, with the outcome for admin, recruiter, interviewer, manager, outsider,
    // candidate, anonymous. Each succeeding call leaves the state the next one expects.
    let cases: Vec<(&str, &str, Value, &str, [&str; 7])> = vec![
        (
            "updateOrganization",
            "UpdateOrganizationInput",
            json!({ "id": cast.organization, "industry": "Payments" }),
            "organization { industry }",
            [
                "ok",
                "FORBIDDEN",
                "FORBIDDEN",
                "FORBIDDEN",
                "NOT_FOUND",
                "NOT_FOUND",
                "UNAUTHENTICATED",
            ],
        ),
        (
            "updateRequisition",
            "UpdateRequisitionInput",
            json!({ "id": requisition, "department": "Platform" }),
            "requisition { department }",
            [
                "ok",
                "ok",
                "NOT_FOUND",
                "FORBIDDEN",
                "NOT_FOUND",
                "NOT_FOUND",
                "UNAUTHENTICATED",
            ],
        ),
        (
            "setRequisitionSkill",
            "SetRequisitionSkillInput",
            json!({ "requisitionId": requisition, "skillName": "Rust", "level": "EXPERT" }),
            "requisition { requiredSkills { level skill { name } } }",
            [
                "ok",
                "ok",
                "NOT_FOUND",
                "FORBIDDEN",
                "NOT_FOUND",
                "NOT_FOUND",
                "UNAUTHENTICATED",
            ],
        ),
        (
            "createRequisition",
            "CreateRequisitionInput",
            json!({ "organizationId": cast.organization, "title": "Another" }),
            "requisition { id }",
            [
                "ok",
                "ok",
                "FORBIDDEN",
                "FORBIDDEN",
                "NOT_FOUND",
                "NOT_FOUND",
                "UNAUTHENTICATED",
            ],
        ),
        (
            "changeMemberRole",
            "ChangeMemberRoleInput",
            json!({ "memberId": cast.member("interviewer"), "role": "INTERVIEWER" }),
            "member { role }",
            [
                "ok",
                "FORBIDDEN",
                "FORBIDDEN",
                "FORBIDDEN",
                "NOT_FOUND",
                "NOT_FOUND",
                "UNAUTHENTICATED",
            ],
        ),
    ];
    for (name, input_type, input, selection, expected) in &cases {
        for ((role, who), want) in cast.everyone().into_iter().zip(expected) {
            let response = call(&app, who, name, input_type, input.clone(), selection).await;
            let got = if response.get("errors").is_none() {
                "ok".to_owned()
            } else {
                codes(&response).join(",")
            };
            assert_eq!(&got, want, "{name} by {role}: {response}");
        }
    }

    // Refused changes changed nothing; allowed ones did.
    let after = app
        .ok(
            "query($id: ID!) { node(id: $id) { ... on Requisition { department requiredSkills { level skill { name } } } } }",
            json!({ "id": requisition }),
            Some(&cast.recruiter.access_token),
        )
        .await;
    assert_eq!(after["node"]["department"], "Platform");
    assert_eq!(
        after["node"]["requiredSkills"],
        json!([{ "level": "EXPERT", "skill": { "name": "Rust" } }])
    );

    // An interviewer may leave, but not remove someone else.
    let remove_other = call(
        &app,
        Some(&cast.interviewer),
        "removeMember",
        "IdInput",
        json!({ "id": cast.member("manager") }),
        "deletedId",
    )
    .await;
    assert_eq!(only_error(&remove_other).0, "FORBIDDEN");
    done(
        &app,
        &cast.interviewer,
        "removeMember",
        "IdInput",
        json!({ "id": cast.member("interviewer") }),
        "deletedId",
    )
    .await;

    // Deleting: the hiring team only.
    let by_manager = call(
        &app,
        Some(&cast.manager),
        "deleteRequisition",
        "IdInput",
        json!({ "id": requisition }),
        "deletedId",
    )
    .await;
    assert_eq!(only_error(&by_manager).0, "FORBIDDEN");
    done(
        &app,
        &cast.admin,
        "deleteRequisition",
        "IdInput",
        json!({ "id": requisition }),
        "deletedId",
    )
    .await;
    assert_eq!(
        node_code(&app, Some(&cast.admin), &requisition).await,
        "NOT_FOUND"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn requisitions_move_only_along_the_legal_paths() {
    let app = TestApp::new().await;
    let cast = cast(&app, "moves").await;
    let requisition = create_requisition(&app, &cast, "Moving role").await;
    let moves = [
        ("PAUSED", false),
        ("OPEN", true),
        ("PAUSED", true),
        ("FILLED", false),
        ("OPEN", true),
        ("CLOSED", true),
        ("PAUSED", false),
        ("OPEN", true),
        ("FILLED", true),
        ("OPEN", false),
        ("CANCELLED", false),
    ];
    let mut status = "DRAFT";
    for (to, legal) in moves {
        let response = call(
            &app,
            Some(&cast.recruiter),
            "changeRequisitionStatus",
            "ChangeRequisitionStatusInput",
            json!({ "id": requisition, "status": to }),
            "requisition { status }",
        )
        .await;
        if legal {
            assert!(response.get("errors").is_none(), "{status} → {to}: {response}");
            status = to;
        } else {
            assert_eq!(
                only_error(&response),
                ("BAD_USER_INPUT".to_owned(), Some("status".to_owned())),
                "{status} → {to}"
            );
        }
        let now = app
            .ok(
                "query($id: ID!) { node(id: $id) { ... on Requisition { status } } }",
                json!({ "id": requisition }),
                Some(&cast.recruiter.access_token),
            )
            .await;
        assert_eq!(now["node"]["status"], status);
    }

    // Checks of the values as a whole.
    let crossed = call(
        &app,
        Some(&cast.recruiter),
        "updateRequisition",
        "UpdateRequisitionInput",
        json!({ "id": requisition, "minSalary": 100000, "maxSalary": 50000 }),
        "requisition { id }",
    )
    .await;
    assert_eq!(
        only_error(&crossed),
        ("BAD_USER_INPUT".to_owned(), Some("maxSalary".to_owned()))
    );
    let overfilled = call(
        &app,
        Some(&cast.recruiter),
        "updateRequisition",
        "UpdateRequisitionInput",
        json!({ "id": requisition, "positionsFilled": 3 }),
        "requisition { id }",
    )
    .await;
    assert_eq!(
        only_error(&overfilled),
        ("BAD_USER_INPUT".to_owned(), Some("positionsFilled".to_owned()))
    );
    let foreign_manager = call(
        &app,
        Some(&cast.recruiter),
        "updateRequisition",
        "UpdateRequisitionInput",
        json!({ "id": requisition, "hiringManagerId": cast.member("nobody") }),
        "requisition { id }",
    )
    .await;
    assert_eq!(only_error(&foreign_manager).0, "BAD_USER_INPUT");
    let private_skill = call(
        &app,
        Some(&cast.recruiter),
        "setRequisitionSkill",
        "SetRequisitionSkillInput",
        json!({ "requisitionId": requisition, "skillName": "Not A Catalog Skill", "level": "BEGINNER" }),
        "requisition { id }",
    )
    .await;
    assert_eq!(only_error(&private_skill).0, "BAD_USER_INPUT");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_job_board_needs_no_token_and_filters() {
    let app = TestApp::new().await;
    let cast = cast(&app, "board").await;
    let rust = create_requisition(&app, &cast, "Rust engineer").await;
    let go = create_requisition(&app, &cast, "Go engineer").await;
    let closed = create_requisition(&app, &cast, "Closed role").await;
    let draft = create_requisition(&app, &cast, "Draft engineer").await;
    for requisition in [&rust, &go, &closed] {
        open_and_publish(&app, &cast.recruiter, requisition).await;
    }
    done(
        &app,
        &cast.recruiter,
        "setRequisitionSkill",
        "SetRequisitionSkillInput",
        json!({ "requisitionId": rust, "skillName": "rust", "level": "EXPERT" }),
        "requisition { id }",
    )
    .await;
    done(
        &app,
        &cast.recruiter,
        "updateRequisition",
        "UpdateRequisitionInput",
        json!({ "id": go, "remoteOk": false, "location": "Lisbon" }),
        "requisition { id }",
    )
    .await;
    done(
        &app,
        &cast.recruiter,
        "updateRequisition",
        "UpdateRequisitionInput",
        json!({ "id": closed, "closesAt": "2020-01-01T00:00:00Z" }),
        "requisition { id }",
    )
    .await;
    let _ = draft;

    let board = |filter: Value| {
        let app = &app;
        async move {
            let data = app
                .ok(
                    "query($filter: JobBoardFilter) { openRequisitions(filter: $filter) { totalCount edges { node { title requiredSkills { skill { id name } level } } } } }",
                    json!({ "filter": filter }),
                    None,
                )
                .await;
            let mut titles: Vec<String> = data["openRequisitions"]["edges"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .iter()
                .filter_map(|e| e["node"]["title"].as_str().map(str::to_owned))
                .collect();
            titles.sort();
            (data, titles)
        }
    };
    let (all, titles) = board(json!({})).await;
    assert_eq!(titles, ["Go engineer", "Rust engineer"]);
    assert_eq!(all["openRequisitions"]["totalCount"], 2);
    assert_eq!(board(json!({ "search": "go" })).await.1, ["Go engineer"]);
    assert_eq!(board(json!({ "remote": false })).await.1, ["Go engineer"]);
    assert_eq!(board(json!({ "location": "lis" })).await.1, ["Go engineer"]);
    assert_eq!(board(json!({ "location": "%" })).await.1, Vec::<String>::new());
    assert_eq!(board(json!({ "employmentType": "FULL_TIME" })).await.1.len(), 2);
    let rust_skill = all["openRequisitions"]["edges"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .find_map(|e| {
            e["node"]["requiredSkills"][0]["skill"]["id"]
                .as_str()
                .map(str::to_owned)
        })
        .expect("the Rust requisition's skill");
    assert_eq!(board(json!({ "skillId": rust_skill })).await.1, ["Rust engineer"]);

    // Taking one off the board removes it for everyone at once.
    done(
        &app,
        &cast.recruiter,
        "publishRequisition",
        "PublishRequisitionInput",
        json!({ "id": go, "published": false }),
        "requisition { isPublished }",
    )
    .await;
    assert_eq!(board(json!({})).await.1, ["Rust engineer"]);

    // An organisation with a job on the board has a public profile; one without has none.
    let profile = app
        .ok(
            "{ organization(slug: \"acme-board\") { name website } }",
            json!({}),
            None,
        )
        .await;
    assert_eq!(profile["organization"]["website"], "https://example.com");
    let hidden = app
        .gql(
            "{ organization(slug: \"other-board\") { name } }",
            json!({}),
            None,
        )
        .await;
    assert_eq!(only_error(&hidden).0, "NOT_FOUND");
    // A refused token is not read as "anonymous".
    let stale = app
        .gql(
            "{ openRequisitions { totalCount } }",
            json!({}),
            Some("not-a-token"),
        )
        .await;
    assert_eq!(only_error(&stale).0, "UNAUTHENTICATED");
}

#[tokio::test(flavor = "multi_thread")]
async fn platform_admins_curate_the_role_catalog() {
    let app = TestApp::new().await;
    let curator = app.sign_up("curator-roles@example.com").await;
    let user = app.sign_up("user-roles@example.com").await;
    let mut conn = AsyncPgConnection::establish(&app.database_url)
        .await
        .expect("connect");
    diesel::sql_query("update users set role = 'admin' where email = 'curator-roles@example.com'")
        .execute(&mut conn)
        .await
        .expect("promote");
    let rust = app
        .ok(
            "{ skills(search: \"rust\", first: 1) { edges { node { id } } } }",
            json!({}),
            Some(&user.access_token),
        )
        .await["skills"]["edges"][0]["node"]["id"]
        .clone();
    let input =
        json!({ "name": "Backend Engineer", "department": "Engineering", "requiredSkillIds": [rust] });
    let refused = call(
        &app,
        Some(&user),
        "saveCatalogRole",
        "SaveCatalogRoleInput",
        input.clone(),
        "role { id }",
    )
    .await;
    assert_eq!(only_error(&refused).0, "FORBIDDEN");
    let saved = done(
        &app,
        &curator,
        "saveCatalogRole",
        "SaveCatalogRoleInput",
        input.clone(),
        "role { id name requiredSkills { name } }",
    )
    .await;
    assert_eq!(saved["role"]["requiredSkills"], json!([{ "name": "Rust" }]));
    let twin = call(
        &app,
        Some(&curator),
        "saveCatalogRole",
        "SaveCatalogRoleInput",
        json!({ "name": "backend engineer" }),
        "role { id }",
    )
    .await;
    assert_eq!(only_error(&twin).0, "CONFLICT");
    done(
        &app,
        &curator,
        "saveCatalogRole",
        "SaveCatalogRoleInput",
        json!({ "id": saved["role"]["id"], "name": "Backend Engineer", "isActive": false }),
        "role { isActive }",
    )
    .await;
    let listed = app.ok("{ catalogRoles { totalCount } all: catalogRoles(includeInactive: true) { totalCount edges { node { name isActive requiredSkills { name } } } } }", json!({}), None).await;
    assert_eq!(listed["catalogRoles"]["totalCount"], 0);
    assert_eq!(listed["all"]["totalCount"], 1);
    assert_eq!(
        listed["all"]["edges"][0]["node"]["requiredSkills"],
        json!([{ "name": "Rust" }]),
        "skills kept when not given"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_hiring_lists_page_backwards_too() {
    let app = TestApp::new().await;
    let cast = cast(&app, "backwards").await;
    let page = |args: &'static str| {
        let (app, organization, token) = (&app, cast.organization.clone(), cast.admin.access_token.clone());
        async move {
            let query = format!(
                "query($id: ID!) {{ node(id: $id) {{ ... on Organization {{ members({args}) {{
                   totalCount pageInfo {{ hasPreviousPage hasNextPage startCursor }} edges {{ node {{ id }} }} }} }} }} }}"
            );
            app.ok(&query, json!({ "id": organization }), Some(&token)).await["node"]["members"].clone()
        }
    };
    let all = page("first: 50").await;
    let ids: Vec<Value> = all["edges"]
        .as_array()
        .map(|edges| edges.iter().map(|e| e["node"]["id"].clone()).collect())
        .unwrap_or_default();
    assert!(ids.len() >= 4, "{all}");
    let last_two = page("last: 2").await;
    let tail: Vec<Value> = last_two["edges"]
        .as_array()
        .map(|edges| edges.iter().map(|e| e["node"]["id"].clone()).collect())
        .unwrap_or_default();
    assert_eq!(tail, ids[ids.len() - 2..].to_vec(), "the last two, in list order");
    assert_eq!(last_two["pageInfo"]["hasPreviousPage"], true);
    assert_eq!(last_two["pageInfo"]["hasNextPage"], false);
    assert_eq!(last_two["totalCount"], all["totalCount"]);
}
