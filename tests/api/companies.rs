//! Company profiles (#15 item 1): a shared catalog found by normalised name and created on
//! first use by experiences, postings and contacts (applications follow their posting); every
//! ETPS field, changed by platform admins only; the viewer's own counts, batched.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use crate::contacts::{call, done, execute};
use crate::support::{Account, TestApp, only_error};

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

const COUNTS: &str = "query($id: ID!) { company(id: $id) { id name experienceCount jobPostingCount applicationCount contactCount } }";

async fn counts(app: &TestApp, who: Option<&Account>, company: &str) -> Value {
    app.ok(
        COUNTS,
        json!({ "id": company }),
        who.map(|w| w.access_token.as_str()),
    )
    .await["company"]
        .clone()
}

async fn posting(app: &TestApp, who: &Account, company: &str) -> (String, String) {
    let made = done(
        app,
        who,
        "createJobPosting",
        "CreateJobPostingInput",
        json!({ "companyName": company, "jobTitle": "Engineer", "description": "Rust" }),
        "jobPosting { id companyId company { id name } }",
    )
    .await;
    assert_eq!(
        made["jobPosting"]["companyId"],
        made["jobPosting"]["company"]["id"]
    );
    (
        text(&made["jobPosting"]["id"]),
        text(&made["jobPosting"]["company"]["id"]),
    )
}

async fn experience(app: &TestApp, who: &Account, company: &str) -> (String, String) {
    let made = done(
        app,
        who,
        "createExperience",
        "CreateExperienceInput",
        json!({ "companyName": company, "jobTitle": "Engineer", "employmentType": "FULL_TIME", "startDate": "2020-01-01" }),
        "experience { id companyId company { id name } }",
    )
    .await;
    assert_eq!(
        made["experience"]["companyId"],
        made["experience"]["company"]["id"]
    );
    (
        text(&made["experience"]["id"]),
        text(&made["experience"]["company"]["id"]),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn companies_are_found_by_name_and_created_on_first_use() {
    let app = TestApp::new().await;
    let me = app.sign_up("companies@example.com").await;
    let other = app.sign_up("companies-other@example.com").await;

    let (role, acme) = experience(&app, &me, "  Acme   Inc ").await;
    let (acme_posting, same) = posting(&app, &me, "ACME inc").await;
    assert_eq!(same, acme, "one company whatever the letter case and spacing");
    let applied = done(
        &app,
        &me,
        "createApplication",
        "CreateApplicationInput",
        json!({ "jobPostingId": acme_posting }),
        "application { id companyId company { name } }",
    )
    .await;
    assert_eq!(
        text(&applied["application"]["companyId"]),
        acme,
        "an application follows its posting"
    );
    let contact = done(
        &app,
        &me,
        "createContact",
        "CreateContactInput",
        json!({ "fullName": "Ada", "companyName": "acme inc" }),
        "contact { id companyId company { name } }",
    )
    .await;
    assert_eq!(text(&contact["contact"]["companyId"]), acme);
    let nameless = done(
        &app,
        &me,
        "createContact",
        "CreateContactInput",
        json!({ "fullName": "Bob" }),
        "contact { id companyId company { name } }",
    )
    .await;
    assert_eq!(nameless["contact"]["company"], Value::Null);
    assert_eq!(nameless["contact"]["companyId"], Value::Null);

    assert_eq!(
        counts(&app, Some(&me), &acme).await,
        json!({ "id": acme, "name": "Acme Inc", "experienceCount": 1, "jobPostingCount": 1, "applicationCount": 1, "contactCount": 1 })
    );
    // Another user's posting finds the same company; each viewer counts their own.
    let (_, theirs) = posting(&app, &other, "Acme Inc").await;
    assert_eq!(theirs, acme);
    assert_eq!(
        counts(&app, Some(&other), &acme).await,
        json!({ "id": acme, "name": "Acme Inc", "experienceCount": 0, "jobPostingCount": 1, "applicationCount": 0, "contactCount": 0 })
    );
    assert_eq!(counts(&app, Some(&me), &acme).await["jobPostingCount"], 1);
    // The catalog is public; the counts of a client without a token are 0.
    assert_eq!(counts(&app, None, &acme).await["experienceCount"], 0);
    let node = app
        .ok(
            "query($id: ID!) { node(id: $id) { __typename ... on Company { name } } }",
            json!({ "id": acme }),
            Some(&other.access_token),
        )
        .await;
    assert_eq!(
        node["node"],
        json!({ "__typename": "Company", "name": "Acme Inc" })
    );

    // A deleted contact is not counted; a renamed employer moves the link.
    done(
        &app,
        &me,
        "deleteContact",
        "IdInput",
        json!({ "id": contact["contact"]["id"] }),
        "deletedId",
    )
    .await;
    let moved = done(
        &app,
        &me,
        "updateExperience",
        "UpdateExperienceInput",
        json!({ "id": role, "companyName": "Globex" }),
        "experience { company { name } }",
    )
    .await;
    assert_eq!(moved["experience"]["company"]["name"], "Globex");
    let now = counts(&app, Some(&me), &acme).await;
    assert_eq!(
        (now["experienceCount"].clone(), now["contactCount"].clone()),
        (json!(0), json!(0))
    );
    // An id of something else is no company.
    let missing = app
        .ok(
            "query($id: ID!) { company(id: $id) { id } }",
            json!({ "id": role }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(missing["company"], Value::Null);
}

#[tokio::test(flavor = "multi_thread")]
async fn only_platform_admins_change_a_company() {
    let app = TestApp::new().await;
    let me = app.sign_up("company-user@example.com").await;
    let admin = app.sign_up("company-admin@example.com").await;
    execute(
        &app,
        "update users set role = 'admin' where email = 'company-admin@example.com'",
    )
    .await;
    let (_, acme) = posting(&app, &me, "Acme").await;

    let every = json!({
        "id": acme,
        "website": "https://acme.example.com",
        "industry": "Financial services",
        "sizeBand": "1001-5000",
        "headquarters": "London",
        "businessLines": "Retail banking and payments",
        "knownInitiatives": "An AI assistant for advisers",
        "cultureSignals": ["remote-first", "data-driven"],
        "dataAiMaturity": "DEVELOPING"
    });
    let fields = "company { name website industry sizeBand headquarters businessLines knownInitiatives cultureSignals dataAiMaturity }";
    let refused = call(
        &app,
        &me,
        "updateCompany",
        "UpdateCompanyInput",
        every.clone(),
        fields,
    )
    .await;
    assert_eq!(only_error(&refused).0, "FORBIDDEN");
    let changed = done(&app, &admin, "updateCompany", "UpdateCompanyInput", every, fields).await;
    assert_eq!(
        changed["company"],
        json!({
            "name": "Acme",
            "website": "https://acme.example.com",
            "industry": "Financial services",
            "sizeBand": "1001-5000",
            "headquarters": "London",
            "businessLines": "Retail banking and payments",
            "knownInitiatives": "An AI assistant for advisers",
            "cultureSignals": ["remote-first", "data-driven"],
            "dataAiMaturity": "DEVELOPING"
        })
    );
    // Every user sees the catalog's fields.
    let seen = app
        .ok(
            "query($id: ID!) { company(id: $id) { industry dataAiMaturity } }",
            json!({ "id": acme }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(
        seen["company"],
        json!({ "industry": "Financial services", "dataAiMaturity": "DEVELOPING" })
    );

    let bad = call(
        &app,
        &admin,
        "updateCompany",
        "UpdateCompanyInput",
        json!({ "id": acme, "website": "ftp://acme" }),
        "company { id }",
    )
    .await;
    assert_eq!(
        only_error(&bad),
        ("BAD_USER_INPUT".to_owned(), Some("website".to_owned()))
    );
    let bad = call(
        &app,
        &admin,
        "updateCompany",
        "UpdateCompanyInput",
        json!({ "id": acme, "sizeBand": "x".repeat(51) }),
        "company { id }",
    )
    .await;
    assert_eq!(
        only_error(&bad),
        ("BAD_USER_INPUT".to_owned(), Some("sizeBand".to_owned()))
    );
    let cleared = done(
        &app,
        &admin,
        "updateCompany",
        "UpdateCompanyInput",
        json!({ "id": acme, "industry": null, "cultureSignals": null }),
        "company { industry cultureSignals headquarters }",
    )
    .await;
    assert_eq!(
        cleared["company"],
        json!({ "industry": null, "cultureSignals": [], "headquarters": "London" })
    );
    let gone = call(
        &app,
        &admin,
        "updateCompany",
        "UpdateCompanyInput",
        json!({ "id": URL_SAFE_NO_PAD.encode("Company:00000000-0000-7000-8000-000000000000"), "industry": "x" }),
        "company { id }",
    )
    .await;
    assert_eq!(only_error(&gone).0, "NOT_FOUND");
}

#[tokio::test(flavor = "multi_thread")]
async fn companies_and_their_counts_cost_the_same_statements_for_any_number_of_records() {
    let app = TestApp::new().await;
    let me = app.sign_up("company-batch@example.com").await;
    let query = "{ viewer { profile { technicalReview { experiences { edges { node { companyId company { name experienceCount jobPostingCount applicationCount contactCount } } } } } } } }";
    experience(&app, &me, "Acme").await;
    let few = app.statements_for(query, json!({}), Some(&me.access_token)).await;
    for name in ["Globex", "Initech", "Hooli", "acme"] {
        experience(&app, &me, name).await;
    }
    let many = app.statements_for(query, json!({}), Some(&me.access_token)).await;
    assert_eq!(
        few, many,
        "one statement per level, whatever the number of experiences"
    );
    let data = app.ok(query, json!({}), Some(&me.access_token)).await;
    let acme_count = data["viewer"]["profile"]["technicalReview"]["experiences"]["edges"]
        .as_array()
        .map(|edges| {
            edges
                .iter()
                .filter(|e| e["node"]["company"]["name"] == "Acme")
                .map(|e| {
                    e["node"]["company"]["experienceCount"]
                        .as_i64()
                        .unwrap_or_default()
                })
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    assert_eq!(acme_count, [2, 2]);
}
