//! The access policy: the one place that decides, for the principal a request acts for, which
//! rows of each table they may read and which they may change, and that turns the decision
//! into SQL conditions. Loaders, paged listings, `node`/`nodes` and mutations all ask it; no
//! other code writes its own `user_id = $1`.
//!
//! The rules today:
//! - a person's record (every table with a `user_id`, their notifications included) is
//!   readable and changeable by that person alone;
//! - a user row is readable by that user alone;
//! - the skill catalog is readable by everyone for its shared skills (`owner_id is null`) and
//!   by its owner for a private skill; only platform admins change it (promotion); the role
//!   catalog is readable by everyone and changed by platform admins;
//! - a hiring row (every table with an `organization_id`) is read and changed by members of
//!   its organisation according to their role (`ADMIN`, `RECRUITER`, `INTERVIEWER`), table by
//!   table below; a requisition on the public job board is readable by anyone, signed in or
//!   not ([`Principal::ANONYMOUS`]);
//! - a person's career record is also readable by the organisations they applied to (their
//!   admins and recruiters, and the hiring manager of the requisition) until they revoke the
//!   consent or their account is deactivated, and again once it is reactivated
//!   (`record_readers`, a view over `record_shares` that keeps only active owners), except
//!   what the person marked private ([`shareable_sql`]);
//! - a note on a candidacy is read by the organisation's admins and recruiters (a private one
//!   by its author alone) and changed by its author while one of them;
//! - an interview is read by whoever reads its candidacy and by its interviewers, who also
//!   read its candidate, its requisition and (`record_readers`) the candidate's shared record;
//!   the organisation's admins and recruiters change it;
//! - feedback on an interview is read by whoever reads its candidacy and by its interviewer,
//!   and by the candidacy's other interviewers once their own is final; its interviewer
//!   changes it while on the interview.
//!
//! Rules are per table ([`Guarded`]), written once in two forms that must agree: a diesel
//! expression for statements built with the query builder, and SQL text over an alias for the
//! hand-written ones (the paged listings, the skill matrix). A new rule — "a member of the
//! organisation with role R", "the candidate shared this with the organisation" — changes the
//! table's impl here, and every reader of the table follows.

use diesel::prelude::*;
use diesel::sql_types::{Bool, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::db::schema::{self, skills, users};

/// Who a request acts for: the signed-in user. Hand-written SQL binds [`Principal::user_id`]
/// where a rule's text says `$n`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Principal {
    pub user_id: Uuid,
}

impl Principal {
    /// A client without a token. No row names the nil id, so every rule keeps for it only
    /// what is public (the shared catalogs, the job board).
    pub const ANONYMOUS: Self = Self { user_id: Uuid::nil() };

    pub fn user(user_id: Uuid) -> Self {
        Self { user_id }
    }
}

/// A table the policy has rules for.
pub trait Guarded: Table + Sized {
    /// The table's name in SQL, for hand-written statements.
    const NAME: &'static str;
    /// The condition that keeps the rows `who` may read.
    type Readable;
    /// The condition that keeps the rows `who` may change or delete.
    type Writable;

    fn readable(who: Principal) -> Self::Readable;
    fn writable(who: Principal) -> Self::Writable;

    /// [`Guarded::readable`] as SQL over `alias`, the principal's id bound as `$param`.
    fn readable_sql(alias: &str, param: usize) -> String;
    /// [`Guarded::writable`] as SQL over `alias`, the principal's id bound as `$param`.
    fn writable_sql(alias: &str, param: usize) -> String;
}

/// Tables whose every row belongs to the user its `user_id` names: the owner reads and
/// changes them, no one else.
macro_rules! owned_by_user {
    ($($table:ident),+ $(,)?) => {$(
        impl Guarded for schema::$table::table {
            const NAME: &'static str = stringify!($table);
            type Readable = diesel::dsl::Eq<schema::$table::user_id, Uuid>;
            type Writable = diesel::dsl::Eq<schema::$table::user_id, Uuid>;

            fn readable(who: Principal) -> Self::Readable {
                schema::$table::user_id.eq(who.user_id)
            }

            fn writable(who: Principal) -> Self::Writable {
                schema::$table::user_id.eq(who.user_id)
            }

            fn readable_sql(alias: &str, param: usize) -> String {
                format!("{alias}.user_id = ${param}")
            }

            fn writable_sql(alias: &str, param: usize) -> String {
                format!("{alias}.user_id = ${param}")
            }
        }
    )+};
}

owned_by_user!(
    application_status_events,
    approved_outputs,
    artifact_pdfs,
    applications,
    artifacts,
    critic_logs,
    export_jobs,
    job_analyses,
    job_experience_matches,
    job_posting_skills,
    job_postings,
    job_selected_skills,
    notifications,
    refresh_tokens,
    resume_items,
    resume_sections,
    resume_snapshots,
    resumes,
    sessions,
    user_settings,
);

/// The tables of a person's career record: the owner reads and changes them; a reader the
/// owner shares the record with (`record_readers`: the organisations they applied to) reads
/// them too, until the owner revokes the consent, and not while the owner's account is
/// deactivated (the view joins only active owners), and never a row the owner keeps private
/// ([`shareable_sql`]).
macro_rules! record_of_user {
    ($($table:ident),+ $(,)?) => {$(
        impl Guarded for schema::$table::table {
            const NAME: &'static str = stringify!($table);
            type Readable = diesel::dsl::Or<diesel::dsl::Eq<schema::$table::user_id, Uuid>, Rule>;
            type Writable = diesel::dsl::Eq<schema::$table::user_id, Uuid>;

            fn readable(who: Principal) -> Self::Readable {
                schema::$table::user_id.eq(who.user_id).or(
                    diesel::dsl::sql::<Bool>(concat!(
                        "(",
                        stringify!($table),
                        ".user_id in (select owner_id from record_readers where reader_id = "
                    ))
                    .bind::<SqlUuid, _>(who.user_id)
                    .sql(&format!(") and {})", shareable_sql(Self::NAME, Self::NAME))),
                )
            }

            fn writable(who: Principal) -> Self::Writable {
                schema::$table::user_id.eq(who.user_id)
            }

            fn readable_sql(alias: &str, param: usize) -> String {
                format!(
                    "({alias}.user_id = ${param} or ({alias}.user_id in \
                     (select owner_id from record_readers where reader_id = ${param}) and {shared}))",
                    shared = shareable_sql(Self::NAME, alias),
                )
            }

            fn writable_sql(alias: &str, param: usize) -> String {
                format!("{alias}.user_id = ${param}")
            }
        }
    )+};
}

record_of_user!(
    bullet_versions,
    bullets,
    candidate_profiles,
    candidate_skills,
    education,
    engagements,
    experience_skills,
    experiences,
    mbti_profiles,
    project_skills,
    projects,
    star_stories,
    strengths,
);

/// Whether a row of a person's career record may leave the person at all (SQL text over the
/// row's `alias` in `table`): to an organisation they share their record with, into the
/// snapshot a candidacy keeps. A record marked private (`visibility = 'private'`: an
/// experience, a project, a STAR story, a bullet) never does, and neither does anything under
/// a private experience, project or bullet (its skills, engagements, bullets, stories,
/// projects, tech stack, earlier texts). The owner's own reads are not affected.
pub fn shareable_sql(table: &str, alias: &str) -> String {
    let experience_shared = |column: &str| {
        format!(
            "not exists (select 1 from experiences vis_e where vis_e.id = {alias}.{column} \
             and vis_e.visibility = 'private')"
        )
    };
    match table {
        "experiences" => format!("{alias}.visibility <> 'private'"),
        "projects" | "star_stories" | "bullets" => format!(
            "({alias}.visibility <> 'private' and {})",
            experience_shared("experience_id")
        ),
        "experience_skills" | "engagements" => experience_shared("experience_id"),
        "bullet_versions" => format!(
            "exists (select 1 from bullets vis_b where vis_b.id = {alias}.bullet_id and {})",
            shareable_sql("bullets", "vis_b")
        ),
        "project_skills" => format!(
            "exists (select 1 from projects vis_p where vis_p.id = {alias}.project_id and {})",
            shareable_sql("projects", "vis_p")
        ),
        _ => "true".to_owned(),
    }
}

/// A user's own row only.
impl Guarded for users::table {
    const NAME: &'static str = "users";
    type Readable = diesel::dsl::Eq<users::id, Uuid>;
    type Writable = diesel::dsl::Eq<users::id, Uuid>;

    fn readable(who: Principal) -> Self::Readable {
        users::id.eq(who.user_id)
    }

    fn writable(who: Principal) -> Self::Writable {
        users::id.eq(who.user_id)
    }

    fn readable_sql(alias: &str, param: usize) -> String {
        format!("{alias}.id = ${param}")
    }

    fn writable_sql(alias: &str, param: usize) -> String {
        format!("{alias}.id = ${param}")
    }
}

/// The shared catalog and the principal's private skills. Nobody changes a skill row through
/// this rule: promotion is for platform admins ([`is_platform_admin`]).
impl Guarded for skills::table {
    const NAME: &'static str = "skills";
    type Readable =
        diesel::dsl::Or<diesel::dsl::IsNull<skills::owner_id>, diesel::dsl::Eq<skills::owner_id, Uuid>>;
    type Writable = diesel::expression::SqlLiteral<Bool>;

    fn readable(who: Principal) -> Self::Readable {
        skills::owner_id.is_null().or(skills::owner_id.eq(who.user_id))
    }

    fn writable(_who: Principal) -> Self::Writable {
        diesel::dsl::sql::<Bool>("false")
    }

    fn readable_sql(alias: &str, param: usize) -> String {
        format!("({alias}.owner_id is null or {alias}.owner_id = ${param})")
    }

    fn writable_sql(_alias: &str, _param: usize) -> String {
        "false".to_owned()
    }
}

/// A person's contacts (ETPS Contact): the owner's alone, and only while not deleted. A
/// deleted contact is gone from every list, loader and `node` at once because this rule says
/// so; the owner still changes it (restore, erase) through [`Guarded::writable`], which keeps
/// deleted rows, and each write that must not touch a deleted one says so itself.
impl Guarded for schema::contacts::table {
    const NAME: &'static str = "contacts";
    type Readable = diesel::dsl::And<
        diesel::dsl::Eq<schema::contacts::user_id, Uuid>,
        diesel::dsl::IsNull<schema::contacts::deleted_at>,
    >;
    type Writable = diesel::dsl::Eq<schema::contacts::user_id, Uuid>;

    fn readable(who: Principal) -> Self::Readable {
        schema::contacts::user_id
            .eq(who.user_id)
            .and(schema::contacts::deleted_at.is_null())
    }

    fn writable(who: Principal) -> Self::Writable {
        schema::contacts::user_id.eq(who.user_id)
    }

    fn readable_sql(alias: &str, param: usize) -> String {
        format!("({alias}.user_id = ${param} and {alias}.deleted_at is null)")
    }

    fn writable_sql(alias: &str, param: usize) -> String {
        format!("{alias}.user_id = ${param}")
    }
}

/// The audit log: a person reads the entries about their own data, and an organisation's
/// admins those about the organisation's. Nobody changes an entry (the database refuses it
/// too).
impl Guarded for schema::audit_log::table {
    const NAME: &'static str = "audit_log";
    type Readable = Rule;
    type Writable = diesel::expression::SqlLiteral<Bool>;

    fn readable(who: Principal) -> Self::Readable {
        bound_rule(audit_readable("audit_log"), who)
    }

    fn writable(_who: Principal) -> Self::Writable {
        diesel::dsl::sql::<Bool>("false")
    }

    fn readable_sql(alias: &str, param: usize) -> String {
        rule_over(audit_readable(alias), &format!("${param}"))
    }

    fn writable_sql(_alias: &str, _param: usize) -> String {
        "false".to_owned()
    }
}

fn audit_readable(a: &str) -> String {
    format!(
        "({a}.owner_id = {ME} or ({a}.organization_id is not null and {admin}))",
        admin = member(&format!("{a}.organization_id"), ADMIN)
    )
}

/// A rule written as SQL over the row's alias and `me`, the principal's id. The same text
/// serves both forms: [`Guarded::readable_sql`] binds `me` as `$n`, and the diesel form
/// (over the table's own name, as diesel writes columns) binds it once as a value.
type Rule = diesel::expression::SqlLiteral<
    Bool,
    diesel::expression::UncheckedBind<
        diesel::expression::SqlLiteral<Bool>,
        diesel::dsl::AsExprOf<Uuid, SqlUuid>,
    >,
>;

fn rule_over(condition: impl AsRef<str>, me: &str) -> String {
    let condition = condition.as_ref();
    format!("exists (select 1 from (select {me}::uuid as me) p where {condition})")
}

fn bound_rule(condition: impl AsRef<str>, who: Principal) -> Rule {
    let condition = condition.as_ref();
    diesel::dsl::sql::<Bool>("exists (select 1 from (select ")
        .bind::<SqlUuid, _>(who.user_id)
        .sql(&format!("::uuid as me) p where {condition})"))
}

/// How a rule's text names the principal: the column of [`rule_over`]'s one-row `p`, so the
/// id is bound once however often the rule names it.
const ME: &str = "p.me";

/// The principal is a member of organisation `org` with one of `roles` (SQL text).
fn member(org: &str, roles: &[&str]) -> String {
    let roles = roles
        .iter()
        .map(|r| format!("'{r}'"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "exists (select 1 from organization_members m where m.organization_id = {org} \
         and m.user_id = {ME} and m.role in ({roles}))"
    )
}

const ANY_ROLE: &[&str] = &["admin", "recruiter", "interviewer"];
const ADMIN: &[&str] = &["admin"];
const HIRING_TEAM: &[&str] = &["admin", "recruiter"];

/// A requisition on the public job board: published, open and not past its closing time.
fn on_job_board(r: &str) -> String {
    format!("({r}.is_published and {r}.status = 'open' and ({r}.closes_at is null or {r}.closes_at > now()))")
}

/// Who reads a requisition: anyone while it is on the job board; the organisation's admins
/// and recruiters; its hiring manager; the interviewers of its interviews.
fn requisition_readable(r: &str) -> String {
    format!(
        "({board} or {team} or {r}.hiring_manager_id = {ME} or {interviewer})",
        board = on_job_board(r),
        team = member(&format!("{r}.organization_id"), HIRING_TEAM),
        interviewer = interviews_for(&format!("{r}.id"), "requisition_id"),
    )
}

/// The principal interviews on an interview whose `column` is `id` (SQL text). Leaving the
/// organisation takes them off its interviews (a cascade), so this implies membership.
fn interviews_for(id: &str, column: &str) -> String {
    format!(
        "exists (select 1 from interviews iv join interview_participants ip on ip.interview_id = iv.id \
         where iv.{column} = {id} and ip.user_id = {ME})"
    )
}

/// Rules of the hiring side, one condition for reading and one for changing, each over the
/// row's alias (one statement's text for the principal; see [`Rule`]).
macro_rules! hiring_rules {
    ($($table:ident { read: |$ra:ident| $read:expr, write: |$wa:ident| $write:expr $(,)? })+) => {$(
        impl Guarded for schema::$table::table {
            const NAME: &'static str = stringify!($table);
            type Readable = Rule;
            type Writable = Rule;

            fn readable(who: Principal) -> Self::Readable {
                let $ra = Self::NAME;
                bound_rule($read, who)
            }

            fn writable(who: Principal) -> Self::Writable {
                let $wa = Self::NAME;
                bound_rule($write, who)
            }

            fn readable_sql(alias: &str, param: usize) -> String {
                let $ra = alias;
                rule_over($read, &format!("${param}"))
            }

            fn writable_sql(alias: &str, param: usize) -> String {
                let $wa = alias;
                rule_over($write, &format!("${param}"))
            }
        }
    )+};
}

hiring_rules! {
    organizations {
        read: |o| format!(
            "({member} or exists (select 1 from requisitions r where r.organization_id = {o}.id and {board}) \
             or exists (select 1 from record_shares s where s.organization_id = {o}.id and s.user_id = {ME}))",
            member = member(&format!("{o}.id"), ANY_ROLE),
            board = on_job_board("r"),
        ),
        write: |o| member(&format!("{o}.id"), ADMIN),
    }
    organization_members {
        read: |t| member(&format!("{t}.organization_id"), ANY_ROLE),
        write: |t| member(&format!("{t}.organization_id"), ADMIN),
    }
    organization_invitations {
        read: |t| member(&format!("{t}.organization_id"), ADMIN),
        write: |t| member(&format!("{t}.organization_id"), ADMIN),
    }
    catalog_roles {
        read: |_t| "true",
        write: |_t| "false",
    }
    catalog_role_skills {
        read: |_t| "true",
        write: |_t| "false",
    }
    requisitions {
        read: |r| requisition_readable(r),
        write: |r| member(&format!("{r}.organization_id"), HIRING_TEAM),
    }
    requisition_skills {
        read: |t| format!(
            "exists (select 1 from requisitions rq where rq.id = {t}.requisition_id and {rule})",
            rule = requisition_readable("rq"),
        ),
        write: |t| member(&format!("{t}.organization_id"), HIRING_TEAM),
    }
}

/// Who reads a candidacy: the organisation's admins and recruiters, and the hiring manager of
/// its requisition while a member.
fn candidacy_readable(c: &str) -> String {
    format!(
        "({team} or exists (select 1 from requisitions rq where rq.id = {c}.requisition_id \
         and rq.hiring_manager_id = {ME} and {member}))",
        team = member(&format!("{c}.organization_id"), HIRING_TEAM),
        member = member("rq.organization_id", ANY_ROLE),
    )
}

hiring_rules! {
    candidates {
        read: |t| format!(
            "({team} or exists (select 1 from candidacies cy where cy.candidate_id = {t}.id and {candidacy}) \
             or {interviewer})",
            team = member(&format!("{t}.organization_id"), HIRING_TEAM),
            candidacy = candidacy_readable("cy"),
            interviewer = interviews_for(&format!("{t}.id"), "candidate_id"),
        ),
        write: |t| member(&format!("{t}.organization_id"), HIRING_TEAM),
    }
    candidacies {
        read: |t| candidacy_readable(t),
        write: |t| member(&format!("{t}.organization_id"), HIRING_TEAM),
    }
    candidacy_events {
        read: |t| format!(
            "exists (select 1 from candidacies cy where cy.id = {t}.candidacy_id and {rule})",
            rule = candidacy_readable("cy"),
        ),
        write: |_t| "false",
    }
    record_shares {
        read: |t| format!(
            "({t}.user_id = {ME} or {team})",
            team = member(&format!("{t}.organization_id"), HIRING_TEAM),
        ),
        write: |t| format!("{t}.user_id = {ME}"),
    }
}

/// The member `member_id` (SQL text) is the principal.
fn is_me(member_id: &str) -> String {
    format!("exists (select 1 from organization_members me where me.id = {member_id} and me.user_id = {ME})")
}

hiring_rules! {
    candidacy_notes {
        read: |t| format!(
            "({team} and (not {t}.is_private or {author}))",
            team = member(&format!("{t}.organization_id"), HIRING_TEAM),
            author = is_me(&format!("{t}.author_member_id")),
        ),
        write: |t| format!(
            "({team} and {author})",
            team = member(&format!("{t}.organization_id"), HIRING_TEAM),
            author = is_me(&format!("{t}.author_member_id")),
        ),
    }
}

/// Who reads an interview: whoever reads its candidacy (the organisation's admins and
/// recruiters, the requisition's hiring manager), and its interviewers.
fn interview_readable(i: &str) -> String {
    format!(
        "(exists (select 1 from candidacies cy where cy.id = {i}.candidacy_id and {candidacy}) or {interviewer})",
        candidacy = candidacy_readable("cy"),
        interviewer = interviews_for(&format!("{i}.id"), "id"),
    )
}

hiring_rules! {
    interviews {
        read: |t| interview_readable(t),
        write: |t| member(&format!("{t}.organization_id"), HIRING_TEAM),
    }
    interview_participants {
        read: |t| format!(
            "exists (select 1 from interviews i where i.id = {t}.interview_id and {rule})",
            rule = interview_readable("i"),
        ),
        write: |t| member(&format!("{t}.organization_id"), HIRING_TEAM),
    }
}

/// Who reads feedback: whoever reads its candidacy (the organisation's admins and recruiters,
/// the requisition's hiring manager), its interviewer, and for independent judgment the other
/// interviewers of the candidacy only once their own feedback on it is final, and then only
/// final feedback.
fn feedback_readable(f: &str) -> String {
    format!(
        "(exists (select 1 from candidacies cy where cy.id = {f}.candidacy_id and {candidacy}) or {mine} \
         or ({f}.is_final and exists (select 1 from interview_feedback own \
             join organization_members author on author.id = own.interviewer_member_id \
             where own.candidacy_id = {f}.candidacy_id and own.is_final and author.user_id = {ME})))",
        candidacy = candidacy_readable("cy"),
        mine = is_me(&format!("{f}.interviewer_member_id")),
    )
}

hiring_rules! {
    interview_feedback {
        read: |t| feedback_readable(t),
        write: |t| format!(
            "({mine} and {on_it})",
            mine = is_me(&format!("{t}.interviewer_member_id")),
            on_it = interviews_for(&format!("{t}.interview_id"), "id"),
        ),
    }
}

// Assessments (issue #17): the configuration (job descriptions, question sets, assessments)
// is read by every member of the organisation and changed by its admins and recruiters;
// questions (they carry the correct option), invitations, applications, test sessions and
// answers are the admins' and recruiters' alone, an application also its linked user's. A
// test taker without an account reaches their own session by its secret, through the
// assessments area's system statements, never through these rules; nobody changes an answer.
hiring_rules! {
    job_descriptions {
        read: |t| member(&format!("{t}.organization_id"), ANY_ROLE),
        write: |t| member(&format!("{t}.organization_id"), HIRING_TEAM),
    }
    question_sets {
        read: |t| member(&format!("{t}.organization_id"), ANY_ROLE),
        write: |t| member(&format!("{t}.organization_id"), HIRING_TEAM),
    }
    questions {
        read: |t| member(&format!("{t}.organization_id"), HIRING_TEAM),
        write: |t| member(&format!("{t}.organization_id"), HIRING_TEAM),
    }
    assessments {
        read: |t| member(&format!("{t}.organization_id"), ANY_ROLE),
        write: |t| member(&format!("{t}.organization_id"), HIRING_TEAM),
    }
    assessment_invitations {
        read: |t| member(&format!("{t}.organization_id"), HIRING_TEAM),
        write: |t| member(&format!("{t}.organization_id"), HIRING_TEAM),
    }
    assessment_applications {
        read: |t| format!(
            "({team} or {t}.user_id = {ME})",
            team = member(&format!("{t}.organization_id"), HIRING_TEAM),
        ),
        write: |t| member(&format!("{t}.organization_id"), HIRING_TEAM),
    }
    test_sessions {
        read: |t| member(&format!("{t}.organization_id"), HIRING_TEAM),
        write: |t| member(&format!("{t}.organization_id"), HIRING_TEAM),
    }
    test_answers {
        read: |t| member(&format!("{t}.organization_id"), HIRING_TEAM),
        write: |_t| "false",
    }
    // Posted by the taker through the session's secret (a system statement); reviewed by the
    // admins and recruiters, like the session they belong to.
    proctoring_events {
        read: |t| member(&format!("{t}.organization_id"), HIRING_TEAM),
        write: |t| member(&format!("{t}.organization_id"), HIRING_TEAM),
    }
}

// The company catalog (#15 item 1): shared, so read by everyone, signed in or not; changed by
// platform admins only, through `is_platform_admin`, never through this rule.
hiring_rules! {
    companies {
        read: |_t| "true",
        write: |_t| "false",
    }
}

// Uploaded files (issue #16): a person's own are theirs alone, but their profile photo is
// read by whoever reads their record (the organisations they applied to); an organisation's
// upload is read and changed by its admins and recruiters, and by its uploader.
hiring_rules! {
    uploaded_documents {
        read: |t| format!(
            "({t}.user_id = {ME} or ({t}.organization_id is not null and {team}) \
             or ({t}.category = 'photo' and {t}.organization_id is null and {t}.user_id in \
             (select owner_id from record_readers where reader_id = {ME})))",
            team = member(&format!("{t}.organization_id"), HIRING_TEAM),
        ),
        write: |t| format!(
            "({t}.user_id = {ME} or ({t}.organization_id is not null and {team}))",
            team = member(&format!("{t}.organization_id"), HIRING_TEAM),
        ),
    }
}

/// What the policy says about a change to one row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The principal may change it.
    Allowed,
    /// The principal may see it but not change it (`FORBIDDEN`).
    ReadOnly,
    /// The principal may not see it, or it does not exist (`NOT_FOUND`).
    Hidden,
}

/// The [`Verdict`] on changing the row of `T` with this id.
pub async fn verdict<T: Guarded>(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
) -> QueryResult<Verdict> {
    #[derive(QueryableByName)]
    struct Found {
        #[diesel(sql_type = Bool)]
        readable: bool,
        #[diesel(sql_type = Bool)]
        writable: bool,
    }
    let found: Option<Found> = diesel::sql_query(format!(
        "select {read} as readable, {write} as writable from {table} t where t.id = $2",
        table = T::NAME,
        read = T::readable_sql("t", 1),
        write = T::writable_sql("t", 1),
    ))
    .bind::<SqlUuid, _>(who.user_id)
    .bind::<SqlUuid, _>(id)
    .get_result(conn)
    .await
    .optional()?;
    Ok(match found {
        Some(Found { writable: true, .. }) => Verdict::Allowed,
        Some(Found { readable: true, .. }) => Verdict::ReadOnly,
        _ => Verdict::Hidden,
    })
}

/// Whether `who` may change the row of `T` with this id (it exists and the rule allows it):
/// the check a write makes on a parent before it adds or links a child.
pub async fn may_change<T: Guarded>(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
) -> QueryResult<bool> {
    #[derive(QueryableByName)]
    struct Found {
        #[diesel(sql_type = Bool)]
        found: bool,
    }
    let found: Found = diesel::sql_query(format!(
        "select exists (select 1 from {table} t where t.id = $2 and {rule}) as found",
        table = T::NAME,
        rule = T::writable_sql("t", 1),
    ))
    .bind::<SqlUuid, _>(who.user_id)
    .bind::<SqlUuid, _>(id)
    .get_result(conn)
    .await?;
    Ok(found.found)
}

/// The rule of a person's record in memory, for rows that reach a principal without a
/// statement of theirs (events fanned out by the hub): whether `who` may read a row of the
/// record `owner` keeps.
pub fn may_read_record_of(who: Principal, owner: Uuid) -> bool {
    who.user_id == owner
}

/// Whether `who` is an active platform admin, who may curate the shared skill catalog.
pub async fn is_platform_admin(conn: &mut AsyncPgConnection, who: Principal) -> QueryResult<bool> {
    users::table
        .filter(users::table::readable(who))
        .filter(users::is_active)
        // The stored text of `UserRole::Admin` (accounts sit above this module).
        .filter(users::role.eq("admin"))
        .select(users::id)
        .first::<Uuid>(conn)
        .await
        .optional()
        .map(|admin| admin.is_some())
}
