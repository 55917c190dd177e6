//! Rows and SQL of the assessments. Statements for the organisation's side filter by the
//! access policy (src/access); the test taker's statements (`lock_session_by_secret` and those
//! that follow it) are system statements: holding the session's secret (or the invitation's
//! token) is what lets the taker reach those rows, and they read only what the taker may see.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Int4, Text, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::enums::{
    AssessmentApplicationStatus, ProctoringEventType, ProctoringSeverity, QuestionDifficulty,
};
use crate::access::{Guarded, Principal};
use crate::db::schema::{
    assessment_applications, assessment_invitations, assessments, job_descriptions, organization_members,
    proctoring_events, question_sets, questions, test_answers, test_sessions,
};
use crate::graphql::loaders::Relation;
use crate::graphql::scalars::Url;
use crate::guarded_relation;
use crate::hiring::enums::{MemberRole, SkillLevel};
use crate::hiring::store::MemberRow;

#[derive(Clone, Debug, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = job_descriptions)]
pub struct JobDescriptionRow {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub title: String,
    pub description: String,
    pub extracted_text: Option<String>,
    pub file_id: Option<Uuid>,
    pub uploaded_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = question_sets)]
pub struct QuestionSetRow {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub skill: String,
    pub level: SkillLevel,
    pub total_questions: i32,
    pub generation_model: Option<String>,
    pub source: Option<String>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = questions)]
pub struct QuestionRow {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub question_set_id: Option<Uuid>,
    pub job_description_id: Option<Uuid>,
    pub position: i32,
    pub text: String,
    pub options: Vec<String>,
    pub correct_option: i32,
    pub difficulty: Option<QuestionDifficulty>,
    pub topic: Option<String>,
    pub source: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = assessments)]
pub struct AssessmentRow {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub title: String,
    pub description: String,
    pub job_title: Option<String>,
    pub job_description_id: Option<Uuid>,
    pub required_skills: Vec<String>,
    pub required_role_ids: Vec<Uuid>,
    pub question_set_id: Option<Uuid>,
    pub method: Option<String>,
    pub duration_minutes: i32,
    pub is_questionnaire_enabled: bool,
    pub is_interview_enabled: bool,
    pub is_active: bool,
    pub is_published: bool,
    pub expires_at: Option<DateTime<Utc>>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl AssessmentRow {
    /// Past its expiry time (by the server's clock).
    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        self.expires_at.is_some_and(|at| at <= now)
    }
}

/// The columns of an assessment its hiring team writes.
#[derive(Clone, Debug, Insertable, AsChangeset)]
#[diesel(table_name = assessments, treat_none_as_null = true)]
pub struct AssessmentValues {
    pub title: String,
    pub description: String,
    pub job_title: Option<String>,
    pub job_description_id: Option<Uuid>,
    pub required_skills: Vec<String>,
    pub required_role_ids: Vec<Uuid>,
    pub question_set_id: Option<Uuid>,
    pub method: Option<String>,
    pub duration_minutes: i32,
    pub is_questionnaire_enabled: bool,
    pub is_interview_enabled: bool,
    pub is_active: bool,
    pub is_published: bool,
    pub expires_at: Option<DateTime<Utc>>,
}

impl From<&AssessmentRow> for AssessmentValues {
    fn from(row: &AssessmentRow) -> Self {
        Self {
            title: row.title.clone(),
            description: row.description.clone(),
            job_title: row.job_title.clone(),
            job_description_id: row.job_description_id,
            required_skills: row.required_skills.clone(),
            required_role_ids: row.required_role_ids.clone(),
            question_set_id: row.question_set_id,
            method: row.method.clone(),
            duration_minutes: row.duration_minutes,
            is_questionnaire_enabled: row.is_questionnaire_enabled,
            is_interview_enabled: row.is_interview_enabled,
            is_active: row.is_active,
            is_published: row.is_published,
            expires_at: row.expires_at,
        }
    }
}

#[derive(Clone, Debug, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = assessment_invitations)]
pub struct AssessmentInvitationRow {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub assessment_id: Uuid,
    pub email: String,
    pub invited_by: Option<Uuid>,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = assessment_applications)]
pub struct AssessmentApplicationRow {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub assessment_id: Uuid,
    pub candidate_id: Uuid,
    pub user_id: Option<Uuid>,
    pub invitation_id: Option<Uuid>,
    pub status: AssessmentApplicationStatus,
    pub applied_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub availability_percentage: Option<i32>,
    pub submitted_skills: Vec<String>,
    pub role_applied_for: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = test_sessions)]
pub struct TestSessionRow {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub application_id: Uuid,
    pub started_at: DateTime<Utc>,
    pub deadline_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    pub total_questions: i32,
    pub correct_answers: Option<i32>,
    pub score_percentage: Option<f64>,
    pub is_scored: bool,
    pub score_released_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl TestSessionRow {
    /// Whether answers are still taken: not completed and before the deadline.
    pub fn is_open(&self, now: DateTime<Utc>) -> bool {
        self.completed_at.is_none() && now < self.deadline_at
    }
}

#[derive(Clone, Debug, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = test_answers)]
pub struct TestAnswerRow {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub session_id: Uuid,
    pub question_id: Uuid,
    pub selected_option: i32,
    pub is_correct: bool,
    pub time_taken_seconds: i32,
    pub answered_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = proctoring_events)]
pub struct ProctoringEventRow {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub session_id: Uuid,
    pub event_type: ProctoringEventType,
    pub severity: ProctoringSeverity,
    pub detected_at: DateTime<Utc>,
    pub duration_seconds: Option<i32>,
    pub question_id: Option<Uuid>,
    pub snapshot_url: Option<Url>,
    pub metadata: serde_json::Value,
    pub reviewed: bool,
    pub reviewed_by: Option<Uuid>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub reviewer_notes: Option<String>,
    pub flagged: bool,
    pub created_at: DateTime<Utc>,
}

guarded_relation!(JobDescriptionById: job_descriptions.id => JobDescriptionRow);
guarded_relation!(QuestionSetById: question_sets.id => QuestionSetRow);
guarded_relation!(QuestionById: questions.id => QuestionRow);
guarded_relation!(AssessmentById: assessments.id => AssessmentRow);
guarded_relation!(AssessmentInvitationById: assessment_invitations.id => AssessmentInvitationRow);
guarded_relation!(AssessmentApplicationById: assessment_applications.id => AssessmentApplicationRow);
guarded_relation!(TestSessionById: test_sessions.id => TestSessionRow);
guarded_relation!(TestAnswerById: test_answers.id => TestAnswerRow);
guarded_relation!(
    /// Each assessment's applications, oldest first.
    ApplicationsOfAssessment: assessment_applications.assessment_id => AssessmentApplicationRow,
    order by (assessment_applications::created_at, assessment_applications::id)
);
guarded_relation!(
    /// Each assessment's invitations, newest first.
    InvitationsOfAssessment: assessment_invitations.assessment_id => AssessmentInvitationRow,
    order by (assessment_invitations::created_at.desc(), assessment_invitations::id)
);
guarded_relation!(
    /// Each application's test session (at most one).
    SessionOfApplication: test_sessions.application_id => TestSessionRow
);
guarded_relation!(
    /// Each session's answers, in the order given.
    AnswersOfSession: test_answers.session_id => TestAnswerRow,
    order by (test_answers::answered_at, test_answers::id)
);

guarded_relation!(ProctoringEventById: proctoring_events.id => ProctoringEventRow);
guarded_relation!(
    /// Each session's proctoring events, in the order they were detected.
    EventsOfSession: proctoring_events.session_id => ProctoringEventRow,
    order by (proctoring_events::detected_at, proctoring_events::id)
);

/// A session's proctoring events in numbers, over the events the principal may see.
#[derive(Clone, Debug, QueryableByName)]
pub struct ProctoringCounts {
    #[diesel(sql_type = SqlUuid)]
    pub session_id: Uuid,
    #[diesel(sql_type = BigInt)]
    pub total: i64,
    #[diesel(sql_type = BigInt)]
    pub low: i64,
    #[diesel(sql_type = BigInt)]
    pub medium: i64,
    #[diesel(sql_type = BigInt)]
    pub high: i64,
    #[diesel(sql_type = BigInt)]
    pub critical: i64,
    #[diesel(sql_type = BigInt)]
    pub flagged: i64,
    #[diesel(sql_type = BigInt)]
    pub unreviewed: i64,
}

/// [`ProctoringCounts`] by session id: one statement for a whole list of sessions.
pub struct ProctoringCountsOfSession;

impl Relation for ProctoringCountsOfSession {
    type Row = ProctoringCounts;

    async fn fetch(
        conn: &mut AsyncPgConnection,
        who: Principal,
        keys: &[Uuid],
    ) -> QueryResult<Vec<ProctoringCounts>> {
        diesel::sql_query(format!(
            "select t.session_id, count(*) as total,
                    count(*) filter (where t.severity = 'low') as low,
                    count(*) filter (where t.severity = 'medium') as medium,
                    count(*) filter (where t.severity = 'high') as high,
                    count(*) filter (where t.severity = 'critical') as critical,
                    count(*) filter (where t.flagged) as flagged,
                    count(*) filter (where not t.reviewed) as unreviewed
             from proctoring_events t
             where t.session_id = any($2) and {rule}
             group by t.session_id",
            rule = proctoring_events::table::readable_sql("t", 1),
        ))
        .bind::<SqlUuid, _>(who.user_id)
        .bind::<Array<SqlUuid>, _>(keys)
        .load(conn)
        .await
    }

    fn key(row: &ProctoringCounts) -> Uuid {
        row.session_id
    }
}

/// The organisation member a row names by user id (its creator, sender or reviewer), keyed by
/// the row's id, for principals who may see the organisation's members.
#[derive(Clone, Debug, QueryableByName)]
pub struct NamedMember {
    #[diesel(sql_type = SqlUuid)]
    pub row_id: Uuid,
    #[diesel(embed)]
    pub member: MemberRow,
}

/// The members that `column` (a user id) of `table`'s rows `keys` names, in the row's
/// organisation; a user who left it names no one.
async fn named_members(
    conn: &mut AsyncPgConnection,
    who: Principal,
    keys: &[Uuid],
    table: &str,
    column: &str,
) -> QueryResult<Vec<NamedMember>> {
    diesel::sql_query(format!(
        "select r.id as row_id, t.*
         from {table} r
         join organization_members t on t.organization_id = r.organization_id and t.user_id = r.{column}
         where r.id = any($2) and {rule}",
        rule = organization_members::table::readable_sql("t", 1),
    ))
    .bind::<SqlUuid, _>(who.user_id)
    .bind::<Array<SqlUuid>, _>(keys)
    .load(conn)
    .await
}

macro_rules! member_relation {
    ($(#[$meta:meta])* $name:ident: $table:ident.$column:ident) => {
        $(#[$meta])*
        pub struct $name;

        impl Relation for $name {
            type Row = NamedMember;

            async fn fetch(
                conn: &mut AsyncPgConnection,
                who: Principal,
                keys: &[Uuid],
            ) -> QueryResult<Vec<NamedMember>> {
                named_members(conn, who, keys, stringify!($table), stringify!($column)).await
            }

            fn key(row: &NamedMember) -> Uuid {
                row.row_id
            }
        }
    };
}

member_relation!(
    /// Each proctoring event's reviewer, as a member.
    ReviewerOfProctoringEvent: proctoring_events.reviewed_by
);

/// Each question set's questions, in order.
pub struct QuestionsOfSet;

impl Relation for QuestionsOfSet {
    type Row = QuestionRow;

    async fn fetch(
        conn: &mut AsyncPgConnection,
        who: Principal,
        keys: &[Uuid],
    ) -> QueryResult<Vec<QuestionRow>> {
        questions::table
            .filter(questions::table::readable(who))
            .filter(questions::question_set_id.eq_any(keys))
            .order((questions::position, questions::id))
            .select(QuestionRow::as_select())
            .load(conn)
            .await
    }

    fn key(row: &QuestionRow) -> Uuid {
        row.question_set_id.unwrap_or_default()
    }
}

/// Each job description's questions, in order.
pub struct QuestionsOfJobDescription;

impl Relation for QuestionsOfJobDescription {
    type Row = QuestionRow;

    async fn fetch(
        conn: &mut AsyncPgConnection,
        who: Principal,
        keys: &[Uuid],
    ) -> QueryResult<Vec<QuestionRow>> {
        questions::table
            .filter(questions::table::readable(who))
            .filter(questions::job_description_id.eq_any(keys))
            .order((questions::position, questions::id))
            .select(QuestionRow::as_select())
            .load(conn)
            .await
    }

    fn key(row: &QuestionRow) -> Uuid {
        row.job_description_id.unwrap_or_default()
    }
}

/// The row of `R` for one key, outside a request's loaders (inside a mutation's transaction).
pub async fn one<R: Relation>(
    conn: &mut AsyncPgConnection,
    who: Principal,
    key: Uuid,
) -> QueryResult<Option<R::Row>> {
    Ok(R::fetch(conn, who, &[key]).await?.into_iter().next())
}

pub struct NewJobDescription<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub extracted_text: Option<&'a str>,
}

pub async fn insert_job_description(
    conn: &mut AsyncPgConnection,
    who: Principal,
    organization_id: Uuid,
    new: &NewJobDescription<'_>,
) -> QueryResult<JobDescriptionRow> {
    diesel::insert_into(job_descriptions::table)
        .values((
            job_descriptions::id.eq(Uuid::now_v7()),
            job_descriptions::organization_id.eq(organization_id),
            job_descriptions::title.eq(new.title),
            job_descriptions::description.eq(new.description),
            job_descriptions::extracted_text.eq(new.extracted_text),
            job_descriptions::uploaded_by.eq(who.user_id),
        ))
        .returning(JobDescriptionRow::as_returning())
        .get_result(conn)
        .await
}

/// A question as checked, before it is written.
#[derive(Clone, Debug)]
pub struct NewQuestion {
    pub text: String,
    pub options: Vec<String>,
    pub correct_option: i32,
    pub difficulty: Option<QuestionDifficulty>,
    pub topic: Option<String>,
    pub source: Option<String>,
}

pub struct NewQuestionSet {
    pub skill: String,
    pub level: SkillLevel,
    pub generation_model: Option<String>,
    pub source: Option<String>,
}

/// Where a question goes: a question set or a job description (exactly one).
#[derive(Clone, Copy, Debug)]
pub enum QuestionParent {
    Set(Uuid),
    JobDescription(Uuid),
}

/// Writes a question set and all its questions (the caller's transaction makes it all or
/// nothing).
pub async fn insert_question_set(
    conn: &mut AsyncPgConnection,
    who: Principal,
    organization_id: Uuid,
    set: &NewQuestionSet,
    items: &[NewQuestion],
) -> QueryResult<QuestionSetRow> {
    let created = diesel::insert_into(question_sets::table)
        .values((
            question_sets::id.eq(Uuid::now_v7()),
            question_sets::organization_id.eq(organization_id),
            question_sets::skill.eq(&set.skill),
            question_sets::level.eq(set.level),
            question_sets::total_questions.eq(items.len() as i32),
            question_sets::generation_model.eq(&set.generation_model),
            question_sets::source.eq(&set.source),
            question_sets::created_by.eq(who.user_id),
        ))
        .returning(QuestionSetRow::as_returning())
        .get_result(conn)
        .await?;
    for (position, item) in items.iter().enumerate() {
        insert_question(
            conn,
            organization_id,
            QuestionParent::Set(created.id),
            position as i32,
            item,
        )
        .await?;
    }
    Ok(created)
}

pub async fn insert_question(
    conn: &mut AsyncPgConnection,
    organization_id: Uuid,
    parent: QuestionParent,
    position: i32,
    item: &NewQuestion,
) -> QueryResult<QuestionRow> {
    let (set, jd) = match parent {
        QuestionParent::Set(id) => (Some(id), None),
        QuestionParent::JobDescription(id) => (None, Some(id)),
    };
    diesel::insert_into(questions::table)
        .values((
            questions::id.eq(Uuid::now_v7()),
            questions::organization_id.eq(organization_id),
            questions::question_set_id.eq(set),
            questions::job_description_id.eq(jd),
            questions::position.eq(position),
            questions::text.eq(&item.text),
            questions::options.eq(&item.options),
            questions::correct_option.eq(item.correct_option),
            questions::difficulty.eq(item.difficulty),
            questions::topic.eq(&item.topic),
            questions::source.eq(&item.source),
        ))
        .returning(QuestionRow::as_returning())
        .get_result(conn)
        .await
}

/// The next position under a parent, and for a question set one more in its total.
pub async fn next_position(conn: &mut AsyncPgConnection, parent: QuestionParent) -> QueryResult<i32> {
    let query = questions::table
        .select(diesel::dsl::max(questions::position))
        .into_boxed();
    let query = match parent {
        QuestionParent::Set(id) => {
            diesel::update(question_sets::table.find(id))
                .set(question_sets::total_questions.eq(question_sets::total_questions + 1))
                .execute(conn)
                .await?;
            query.filter(questions::question_set_id.eq(id))
        }
        QuestionParent::JobDescription(id) => query.filter(questions::job_description_id.eq(id)),
    };
    let max: Option<i32> = query.first(conn).await?;
    Ok(max.map_or(0, |max| max + 1))
}

pub async fn insert_assessment(
    conn: &mut AsyncPgConnection,
    who: Principal,
    organization_id: Uuid,
    values: &AssessmentValues,
) -> QueryResult<AssessmentRow> {
    diesel::insert_into(assessments::table)
        .values((
            assessments::id.eq(Uuid::now_v7()),
            assessments::organization_id.eq(organization_id),
            assessments::created_by.eq(who.user_id),
            values,
        ))
        .returning(AssessmentRow::as_returning())
        .get_result(conn)
        .await
}

pub async fn update_assessment(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
    values: &AssessmentValues,
) -> QueryResult<Option<AssessmentRow>> {
    diesel::update(assessments::table)
        .filter(assessments::id.eq(id))
        .filter(assessments::table::writable(who))
        .set(values)
        .returning(AssessmentRow::as_returning())
        .get_result(conn)
        .await
        .optional()
}

pub struct NewAssessmentInvitation<'a> {
    pub assessment: &'a AssessmentRow,
    pub email: &'a str,
    pub token_hash: &'a [u8],
    pub expires_at: DateTime<Utc>,
}

pub async fn insert_invitation(
    conn: &mut AsyncPgConnection,
    who: Principal,
    new: &NewAssessmentInvitation<'_>,
) -> QueryResult<AssessmentInvitationRow> {
    diesel::insert_into(assessment_invitations::table)
        .values((
            assessment_invitations::id.eq(Uuid::now_v7()),
            assessment_invitations::organization_id.eq(new.assessment.organization_id),
            assessment_invitations::assessment_id.eq(new.assessment.id),
            assessment_invitations::email.eq(new.email),
            assessment_invitations::token_hash.eq(new.token_hash),
            assessment_invitations::invited_by.eq(who.user_id),
            assessment_invitations::expires_at.eq(new.expires_at),
        ))
        .returning(AssessmentInvitationRow::as_returning())
        .get_result(conn)
        .await
}

/// The invitation a token opens, locked until the transaction ends (it is single-use). Found
/// by the token alone: holding it is what lets the invitee use it.
pub async fn lock_invitation(
    conn: &mut AsyncPgConnection,
    token_hash: &[u8],
) -> QueryResult<Option<AssessmentInvitationRow>> {
    assessment_invitations::table
        .filter(assessment_invitations::token_hash.eq(token_hash))
        .select(AssessmentInvitationRow::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

pub async fn mark_invitation_used(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<()> {
    diesel::update(assessment_invitations::table.find(id))
        .set(assessment_invitations::used_at.eq(diesel::dsl::now))
        .execute(conn)
        .await
        .map(|_| ())
}

/// An assessment by id for a holder of its invitation or session (a system read).
pub async fn assessment_for_taker(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<AssessmentRow> {
    assessments::table
        .find(id)
        .select(AssessmentRow::as_select())
        .first(conn)
        .await
}

/// The organisation's candidate with this email, made if there is none; a signed-in taker is
/// linked to a candidate not yet linked to anyone.
pub async fn candidate_for_email(
    conn: &mut AsyncPgConnection,
    organization_id: Uuid,
    email: &str,
    full_name: &str,
    user_id: Option<Uuid>,
) -> QueryResult<Uuid> {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = SqlUuid)]
        id: Uuid,
    }
    let found: Id = diesel::sql_query(
        "insert into candidates (id, organization_id, user_id, full_name, email)
         values ($1, $2, $3, $4, $5)
         on conflict (organization_id, email)
         do update set user_id = coalesce(candidates.user_id, excluded.user_id)
         returning id",
    )
    .bind::<SqlUuid, _>(Uuid::now_v7())
    .bind::<SqlUuid, _>(organization_id)
    .bind::<diesel::sql_types::Nullable<SqlUuid>, _>(user_id)
    .bind::<Text, _>(full_name)
    .bind::<Text, _>(email)
    .get_result(conn)
    .await?;
    Ok(found.id)
}

pub struct NewApplication<'a> {
    pub assessment: &'a AssessmentRow,
    pub candidate_id: Uuid,
    pub user_id: Option<Uuid>,
    pub invitation_id: Uuid,
    pub availability_percentage: Option<i32>,
    pub submitted_skills: &'a [String],
    pub role_applied_for: Option<&'a str>,
}

/// Creates the application (already IN_PROGRESS: opening the invitation starts the test) and
/// its test session, whose deadline is the assessment's duration from now.
pub async fn start_session(
    conn: &mut AsyncPgConnection,
    new: &NewApplication<'_>,
    secret_hash: &[u8],
) -> QueryResult<(AssessmentApplicationRow, TestSessionRow)> {
    let application = diesel::insert_into(assessment_applications::table)
        .values((
            assessment_applications::id.eq(Uuid::now_v7()),
            assessment_applications::organization_id.eq(new.assessment.organization_id),
            assessment_applications::assessment_id.eq(new.assessment.id),
            assessment_applications::candidate_id.eq(new.candidate_id),
            assessment_applications::user_id.eq(new.user_id),
            assessment_applications::invitation_id.eq(new.invitation_id),
            assessment_applications::status.eq(AssessmentApplicationStatus::InProgress),
            assessment_applications::started_at.eq(diesel::dsl::now),
            assessment_applications::availability_percentage.eq(new.availability_percentage),
            assessment_applications::submitted_skills.eq(new.submitted_skills),
            assessment_applications::role_applied_for.eq(new.role_applied_for),
        ))
        .returning(AssessmentApplicationRow::as_returning())
        .get_result(conn)
        .await?;
    let session = diesel::sql_query(
        "insert into test_sessions (id, organization_id, application_id, secret_hash, started_at, deadline_at,
                                    total_questions)
         select $1, $2, $3, $4, now(), now() + make_interval(mins => $5),
                (select count(*) from questions q
                 where q.question_set_id = $6 or q.job_description_id = $7)::int
         returning *",
    )
    .bind::<SqlUuid, _>(Uuid::now_v7())
    .bind::<SqlUuid, _>(new.assessment.organization_id)
    .bind::<SqlUuid, _>(application.id)
    .bind::<diesel::sql_types::Bytea, _>(secret_hash)
    .bind::<Int4, _>(new.assessment.duration_minutes)
    .bind::<diesel::sql_types::Nullable<SqlUuid>, _>(new.assessment.question_set_id)
    .bind::<diesel::sql_types::Nullable<SqlUuid>, _>(new.assessment.job_description_id)
    .get_result::<TestSessionRow>(conn)
    .await?;
    Ok((application, session))
}

/// The session a secret opens, locked until the transaction ends. Found by the secret alone:
/// holding it is what authenticates the taker.
pub async fn lock_session_by_secret(
    conn: &mut AsyncPgConnection,
    secret_hash: &[u8],
) -> QueryResult<Option<TestSessionRow>> {
    test_sessions::table
        .filter(test_sessions::secret_hash.eq(secret_hash))
        .select(TestSessionRow::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

/// A session's application, for its taker (a system read).
pub async fn application_for_taker(
    conn: &mut AsyncPgConnection,
    id: Uuid,
) -> QueryResult<AssessmentApplicationRow> {
    assessment_applications::table
        .find(id)
        .select(AssessmentApplicationRow::as_select())
        .first(conn)
        .await
}

/// The questions an assessment serves: its question set's, else its job description's, in
/// order (a system read; the caller never shows the correct option to a taker).
pub async fn questions_for_taker(
    conn: &mut AsyncPgConnection,
    assessment: &AssessmentRow,
) -> QueryResult<Vec<QuestionRow>> {
    let by_set = questions::question_set_id.eq(assessment.question_set_id);
    let by_jd = questions::job_description_id.eq(assessment.job_description_id);
    questions::table
        .filter(by_set.or(by_jd))
        .order((questions::position, questions::id))
        .select(QuestionRow::as_select())
        .load(conn)
        .await
}

/// A session's answers (a system read for its taker).
pub async fn answers_for_taker(
    conn: &mut AsyncPgConnection,
    session_id: Uuid,
) -> QueryResult<Vec<TestAnswerRow>> {
    test_answers::table
        .filter(test_answers::session_id.eq(session_id))
        .order((test_answers::answered_at, test_answers::id))
        .select(TestAnswerRow::as_select())
        .load(conn)
        .await
}

/// Records one answer; the time taken is the server's: since the previous answer, or since the
/// session started. A second answer to the same question breaks the unique pair (`CONFLICT`).
pub async fn insert_answer(
    conn: &mut AsyncPgConnection,
    session: &TestSessionRow,
    question_id: Uuid,
    selected_option: i32,
    is_correct: bool,
) -> QueryResult<TestAnswerRow> {
    diesel::sql_query(
        "insert into test_answers (id, organization_id, session_id, question_id, selected_option, is_correct,
                                   time_taken_seconds)
         select $1, s.organization_id, s.id, $3, $4, $5,
                greatest(0, floor(extract(epoch from clock_timestamp() - coalesce(
                  (select max(a.answered_at) from test_answers a where a.session_id = s.id), s.started_at))))::int
         from test_sessions s where s.id = $2
         returning *",
    )
    .bind::<SqlUuid, _>(Uuid::now_v7())
    .bind::<SqlUuid, _>(session.id)
    .bind::<SqlUuid, _>(question_id)
    .bind::<Int4, _>(selected_option)
    .bind::<Bool, _>(is_correct)
    .get_result(conn)
    .await
}

/// Ends and scores a session on the server: completed now, or at its deadline when that has
/// passed; the score counts the correct answers out of every question it served. The
/// application becomes COMPLETED. Nothing happens to a session already scored.
pub async fn score_session(
    conn: &mut AsyncPgConnection,
    session_id: Uuid,
) -> QueryResult<Option<TestSessionRow>> {
    let scored: Option<TestSessionRow> = diesel::sql_query(
        "with c as (select count(*)::int as n from test_answers a where a.session_id = $1 and a.is_correct)
         update test_sessions s
         set completed_at = least(now(), s.deadline_at),
             correct_answers = c.n,
             score_percentage = case when s.total_questions = 0 then 0
                                else round(100.0 * c.n / s.total_questions, 2)::float8 end,
             is_scored = true
         from c
         where s.id = $1 and not s.is_scored
         returning s.*",
    )
    .bind::<SqlUuid, _>(session_id)
    .get_result(conn)
    .await
    .optional()?;
    if let Some(session) = &scored {
        diesel::update(assessment_applications::table.find(session.application_id))
            .filter(assessment_applications::status.eq(AssessmentApplicationStatus::InProgress))
            .set((
                assessment_applications::status.eq(AssessmentApplicationStatus::Completed),
                assessment_applications::completed_at.eq(session.completed_at),
            ))
            .execute(conn)
            .await?;
        // A signed-in taker's quiz streak (#17 item 7) counts the day the session ended (UTC);
        // a session observed late never moves the streak back.
        diesel::sql_query(
            "update users u
             set quiz_streak = case when u.last_quiz_date >= d.day then u.quiz_streak
                                    when u.last_quiz_date = d.day - 1 then u.quiz_streak + 1 else 1 end,
                 quiz_streak_max = greatest(u.quiz_streak_max,
                                            case when u.last_quiz_date >= d.day then u.quiz_streak
                                                 when u.last_quiz_date = d.day - 1 then u.quiz_streak + 1
                                                 else 1 end),
                 last_quiz_date = greatest(u.last_quiz_date, d.day)
             from (select a.user_id, (s.completed_at at time zone 'utc')::date as day
                   from test_sessions s join assessment_applications a on a.id = s.application_id
                   where s.id = $1) d
             where u.id = d.user_id",
        )
        .bind::<SqlUuid, _>(session.id)
        .execute(conn)
        .await?;
    }
    Ok(scored)
}

/// The session by id, locked, if `who` may change it.
pub async fn lock_session(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
) -> QueryResult<Option<TestSessionRow>> {
    test_sessions::table
        .filter(test_sessions::id.eq(id))
        .filter(test_sessions::table::writable(who))
        .select(TestSessionRow::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

pub async fn release_score(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
) -> QueryResult<Option<TestSessionRow>> {
    diesel::update(test_sessions::table)
        .filter(test_sessions::id.eq(id))
        .filter(test_sessions::is_scored)
        .filter(test_sessions::table::writable(who))
        .set(test_sessions::score_released_at.eq(diesel::dsl::sql::<
            diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>,
        >("coalesce(score_released_at, now())")))
        .returning(TestSessionRow::as_returning())
        .get_result(conn)
        .await
        .optional()
}

/// How many of `ids` are roles of the catalog.
pub async fn catalog_roles_found(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> QueryResult<i64> {
    crate::db::schema::catalog_roles::table
        .filter(crate::db::schema::catalog_roles::id.eq_any(ids))
        .count()
        .get_result(conn)
        .await
}

/// A proctoring event as the test client reports it, checked.
pub struct NewProctoringEvent<'a> {
    pub event_type: ProctoringEventType,
    pub severity: ProctoringSeverity,
    pub detected_at: DateTime<Utc>,
    pub duration_seconds: Option<i32>,
    pub question_id: Option<Uuid>,
    pub snapshot_url: Option<&'a Url>,
    pub metadata: &'a serde_json::Value,
}

/// How many proctoring events a session holds (a system read for its taker).
pub async fn proctoring_events_of(conn: &mut AsyncPgConnection, session_id: Uuid) -> QueryResult<i64> {
    proctoring_events::table
        .filter(proctoring_events::session_id.eq(session_id))
        .count()
        .get_result(conn)
        .await
}

/// Records an event in the taker's session (a system statement: the session's secret is the
/// taker's authority).
pub async fn insert_proctoring_event(
    conn: &mut AsyncPgConnection,
    session: &TestSessionRow,
    new: &NewProctoringEvent<'_>,
) -> QueryResult<ProctoringEventRow> {
    diesel::insert_into(proctoring_events::table)
        .values((
            proctoring_events::id.eq(Uuid::now_v7()),
            proctoring_events::organization_id.eq(session.organization_id),
            proctoring_events::session_id.eq(session.id),
            proctoring_events::event_type.eq(new.event_type),
            proctoring_events::severity.eq(new.severity),
            proctoring_events::detected_at.eq(new.detected_at),
            proctoring_events::duration_seconds.eq(new.duration_seconds),
            proctoring_events::question_id.eq(new.question_id),
            proctoring_events::snapshot_url.eq(new.snapshot_url),
            proctoring_events::metadata.eq(new.metadata),
        ))
        .returning(ProctoringEventRow::as_returning())
        .get_result(conn)
        .await
}

/// The event by id, locked, if `who` may change it.
pub async fn lock_proctoring_event(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
) -> QueryResult<Option<ProctoringEventRow>> {
    proctoring_events::table
        .filter(proctoring_events::id.eq(id))
        .filter(proctoring_events::table::writable(who))
        .select(ProctoringEventRow::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

/// Marks a (locked) event reviewed by `who` now, with the notes and flag given.
pub async fn review_proctoring_event(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
    notes: Option<&str>,
    flagged: bool,
) -> QueryResult<Option<ProctoringEventRow>> {
    diesel::update(proctoring_events::table)
        .filter(proctoring_events::id.eq(id))
        .filter(proctoring_events::table::writable(who))
        .set((
            proctoring_events::reviewed.eq(true),
            proctoring_events::reviewed_by.eq(who.user_id),
            proctoring_events::reviewed_at.eq(diesel::dsl::now),
            proctoring_events::reviewer_notes.eq(notes),
            proctoring_events::flagged.eq(flagged),
        ))
        .returning(ProctoringEventRow::as_returning())
        .get_result(conn)
        .await
        .optional()
}

/// The assessment's creator while still one of its organisation's admins or recruiters (a
/// system read: who hears of its proctoring events).
pub async fn creator_on_the_team(
    conn: &mut AsyncPgConnection,
    assessment: &AssessmentRow,
) -> QueryResult<Option<Uuid>> {
    let Some(creator) = assessment.created_by else {
        return Ok(None);
    };
    organization_members::table
        .filter(organization_members::organization_id.eq(assessment.organization_id))
        .filter(organization_members::user_id.eq(creator))
        .filter(organization_members::role.eq_any([MemberRole::Admin, MemberRole::Recruiter]))
        .select(organization_members::user_id)
        .first(conn)
        .await
        .optional()
}
