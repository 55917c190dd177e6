//! GraphQL for the assessments: the organisation's question bank, assessments, invitations,
//! applications and test sessions (read through the access policy), and the test taker's side
//! (`startAssessment`, `testTakerSession`, `answerQuestion`, `completeTestSession`), addressed
//! by the session's secret and built so that no correct option and no score reaches the taker
//! before `releaseScore`.

use async_graphql::{Context, ID, InputObject, Json, MaybeUndefined, Object, SimpleObject};
use chrono::{DateTime, Duration, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use super::enums::{
    AssessmentApplicationStatus, ProctoringEventType, ProctoringSeverity, QuestionDifficulty,
};
use super::store::{
    self, AnswersOfSession, ApplicationsOfAssessment, AssessmentApplicationById, AssessmentApplicationRow,
    AssessmentById, AssessmentInvitationById, AssessmentInvitationRow, AssessmentRow, AssessmentValues,
    EventsOfSession, InvitationsOfAssessment, JobDescriptionById, JobDescriptionRow, NewApplication,
    NewAssessmentInvitation, NewJobDescription, NewProctoringEvent, NewQuestion, ProctoringCountsOfSession,
    ProctoringEventById, ProctoringEventRow, QuestionById, QuestionParent, QuestionRow, QuestionSetById,
    QuestionSetRow, QuestionsOfJobDescription, QuestionsOfSet, ReviewerOfProctoringEvent,
    SessionOfApplication, TestAnswerById, TestAnswerRow, TestSessionById, TestSessionRow,
};
use super::{import, notices};
use crate::db::schema::{assessments, job_descriptions, proctoring_events, question_sets, test_sessions};
use crate::graphql::connection::{Conn, Listing, PageArgs, PageKey};
use crate::graphql::context::{reader, services, viewer};
use crate::graphql::errors::{AppError, AppResult};
use crate::graphql::ids::{NodeType, decode_as};
use crate::graphql::scalars::{EmailAddress, Url};
use crate::hiring::enums::SkillLevel;
use crate::hiring::graphql::{
    CatalogRole, Organization, OrganizationMember, authorize, load_organization, require_hiring_team,
};
use crate::hiring::store::{CatalogRoleById, user_with_email};
use crate::notifications::enums::NotificationType;
use crate::notifications::{Notice, notify};
use crate::payload_edge;
use crate::pipeline::graphql::{Candidate, candidate_by_id};
use crate::tokens;
use crate::validate::{self, text};

/// How long an invitation to take an assessment stays valid.
const INVITATION_DAYS: i64 = 7;
/// How many proctoring events one session takes: a client stuck in a loop cannot flood it.
const MAX_PROCTORING_EVENTS: i64 = 1_000;
/// How far a client's clock may run ahead of the server's when it dates an event.
const CLOCK_SKEW_SECONDS: i64 = 60;

#[derive(Clone, Debug)]
pub struct JobDescription(pub JobDescriptionRow);

/// A job description (Assist-Ten JobDescription): its text, from which questions may be
/// written.
#[Object]
impl JobDescription {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::JobDescription.id(self.0.id)
    }
    /// 1 to 200 characters.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// The description as written.
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// The text extracted from its uploaded file; null when there is none.
    async fn extracted_text(&self) -> Option<&str> {
        self.0.extracted_text.as_deref()
    }
    /// The uploaded file it was read from, as a raw reference. Always null until file uploads
    /// exist.
    async fn uploaded_file_id(&self) -> Option<String> {
        self.0.file_id.map(|id| id.to_string())
    }
    /// When it was added.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// The organisation it belongs to.
    async fn organization(&self, ctx: &Context<'_>) -> AppResult<Organization> {
        load_organization(ctx, self.0.organization_id).await
    }
    /// Its questions in order. Empty unless the viewer is an admin or recruiter of its
    /// organisation.
    async fn questions(&self, ctx: &Context<'_>) -> AppResult<Vec<Question>> {
        let rows = reader(ctx)?
            .loaders
            .many::<QuestionsOfJobDescription>(self.0.id)
            .await?;
        Ok(rows.into_iter().map(Question).collect())
    }
}

#[derive(Clone, Debug)]
pub struct QuestionSet(pub QuestionSetRow);

/// A bank of multiple-choice questions on one skill at one level.
#[Object]
impl QuestionSet {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::QuestionSet.id(self.0.id)
    }
    /// The skill it tests (1 to 100 characters).
    async fn skill(&self) -> &str {
        &self.0.skill
    }
    /// The level it tests at.
    async fn level(&self) -> SkillLevel {
        self.0.level
    }
    /// How many questions it holds.
    async fn total_questions(&self) -> i32 {
        self.0.total_questions
    }
    /// The model that generated it, if one did.
    async fn generation_model(&self) -> Option<&str> {
        self.0.generation_model.as_deref()
    }
    /// Where it comes from (an import, a generator, a person).
    async fn source(&self) -> Option<&str> {
        self.0.source.as_deref()
    }
    /// When it was added.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// The organisation it belongs to.
    async fn organization(&self, ctx: &Context<'_>) -> AppResult<Organization> {
        load_organization(ctx, self.0.organization_id).await
    }
    /// Its questions in order. Empty unless the viewer is an admin or recruiter of its
    /// organisation.
    async fn questions(&self, ctx: &Context<'_>) -> AppResult<Vec<Question>> {
        let rows = reader(ctx)?.loaders.many::<QuestionsOfSet>(self.0.id).await?;
        Ok(rows.into_iter().map(Question).collect())
    }
}

#[derive(Clone, Debug)]
pub struct Question(pub QuestionRow);

/// A multiple-choice question with its correct option, as the organisation's admins and
/// recruiters see it (a test taker sees `TakerQuestion`, without the answer).
#[Object]
impl Question {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::Question.id(self.0.id)
    }
    /// The question (1 to 5,000 characters).
    async fn text(&self) -> &str {
        &self.0.text
    }
    /// The options in order, 2 to 8.
    async fn options(&self) -> &[String] {
        &self.0.options
    }
    /// The index (from 0) of the correct option.
    async fn correct_option(&self) -> i32 {
        self.0.correct_option
    }
    /// How hard it is; null when not rated.
    async fn difficulty(&self) -> Option<QuestionDifficulty> {
        self.0.difficulty
    }
    /// The topic it covers.
    async fn topic(&self) -> Option<&str> {
        self.0.topic.as_deref()
    }
    /// Where it comes from.
    async fn source(&self) -> Option<&str> {
        self.0.source.as_deref()
    }
    /// Its place in its set or job description (from 0).
    async fn position(&self) -> i32 {
        self.0.position
    }
    /// The question set it belongs to; null when it belongs to a job description.
    async fn question_set(&self, ctx: &Context<'_>) -> AppResult<Option<QuestionSet>> {
        let Some(id) = self.0.question_set_id else {
            return Ok(None);
        };
        Ok(reader(ctx)?
            .loaders
            .one::<QuestionSetById>(id)
            .await?
            .map(QuestionSet))
    }
    /// The job description it belongs to; null when it belongs to a question set.
    async fn job_description(&self, ctx: &Context<'_>) -> AppResult<Option<JobDescription>> {
        let Some(id) = self.0.job_description_id else {
            return Ok(None);
        };
        Ok(reader(ctx)?
            .loaders
            .one::<JobDescriptionById>(id)
            .await?
            .map(JobDescription))
    }
}

#[derive(Clone, Debug)]
pub struct Assessment(pub AssessmentRow);

/// A timed multiple-choice test an organisation invites candidates to (Assist-Ten
/// Assessment).
#[Object]
impl Assessment {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::Assessment.id(self.0.id)
    }
    /// 1 to 200 characters.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// What it is about (up to 10,000 characters).
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// The job it tests for.
    async fn job_title(&self) -> Option<&str> {
        self.0.job_title.as_deref()
    }
    /// The job description it is written from; null when none.
    async fn job_description(&self, ctx: &Context<'_>) -> AppResult<Option<JobDescription>> {
        let Some(id) = self.0.job_description_id else {
            return Ok(None);
        };
        Ok(reader(ctx)?
            .loaders
            .one::<JobDescriptionById>(id)
            .await?
            .map(JobDescription))
    }
    /// The skills it requires, as labels.
    async fn required_skills(&self) -> &[String] {
        &self.0.required_skills
    }
    /// The roles of the platform's role catalog it is for.
    async fn required_roles(&self, ctx: &Context<'_>) -> AppResult<Vec<CatalogRole>> {
        let rows = reader(ctx)?
            .loaders
            .each::<CatalogRoleById>(&self.0.required_role_ids)
            .await?;
        Ok(rows.into_iter().map(CatalogRole).collect())
    }
    /// The question set it serves; null when it serves its job description's questions.
    async fn question_set(&self, ctx: &Context<'_>) -> AppResult<Option<QuestionSet>> {
        let Some(id) = self.0.question_set_id else {
            return Ok(None);
        };
        Ok(reader(ctx)?
            .loaders
            .one::<QuestionSetById>(id)
            .await?
            .map(QuestionSet))
    }
    /// How it is run ("mcq", "adaptive", ...), up to 50 characters.
    async fn method(&self) -> Option<&str> {
        self.0.method.as_deref()
    }
    /// How long a test session lasts, in minutes (1 to 600).
    async fn duration_minutes(&self) -> i32 {
        self.0.duration_minutes
    }
    /// Whether it includes the questionnaire.
    async fn is_questionnaire_enabled(&self) -> bool {
        self.0.is_questionnaire_enabled
    }
    /// Whether it includes an interview.
    async fn is_interview_enabled(&self) -> bool {
        self.0.is_interview_enabled
    }
    /// Whether invitations to it may be opened.
    async fn is_active(&self) -> bool {
        self.0.is_active
    }
    /// Whether it is published.
    async fn is_published(&self) -> bool {
        self.0.is_published
    }
    /// When it stops taking new test sessions; null for never.
    async fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.expires_at
    }
    /// Whether `expiresAt` has passed, by the server's clock.
    async fn is_expired(&self) -> bool {
        self.0.is_expired(Utc::now())
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// The organisation that owns it.
    async fn organization(&self, ctx: &Context<'_>) -> AppResult<Organization> {
        load_organization(ctx, self.0.organization_id).await
    }
    /// Its candidates' applications, oldest first. Empty unless the viewer is an admin or
    /// recruiter of its organisation.
    async fn applications(&self, ctx: &Context<'_>) -> AppResult<Vec<AssessmentApplication>> {
        let rows = reader(ctx)?
            .loaders
            .many::<ApplicationsOfAssessment>(self.0.id)
            .await?;
        Ok(rows.into_iter().map(AssessmentApplication).collect())
    }
    /// Its invitations, newest first. Empty unless the viewer is an admin or recruiter of its
    /// organisation.
    async fn invitations(&self, ctx: &Context<'_>) -> AppResult<Vec<AssessmentInvitation>> {
        let rows = reader(ctx)?
            .loaders
            .many::<InvitationsOfAssessment>(self.0.id)
            .await?;
        Ok(rows.into_iter().map(AssessmentInvitation).collect())
    }
}

#[derive(Clone, Debug)]
pub struct AssessmentInvitation(pub AssessmentInvitationRow);

/// A single-use invitation to take an assessment (Assist-Ten AssessmentToken). Its token is
/// shown once, to whoever sent it.
#[Object]
impl AssessmentInvitation {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::AssessmentInvitation.id(self.0.id)
    }
    /// Whom it was sent to.
    async fn email(&self) -> &str {
        &self.0.email
    }
    /// When it stops working.
    async fn expires_at(&self) -> DateTime<Utc> {
        self.0.expires_at
    }
    /// When it was used to start the test; null while unused.
    async fn used_at(&self) -> Option<DateTime<Utc>> {
        self.0.used_at
    }
    /// Whether it was used (it works once).
    async fn is_used(&self) -> bool {
        self.0.used_at.is_some()
    }
    /// Whether `expiresAt` has passed.
    async fn is_expired(&self) -> bool {
        self.0.expires_at <= Utc::now()
    }
    /// When it was sent.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// The assessment it invites to.
    async fn assessment(&self, ctx: &Context<'_>) -> AppResult<Option<Assessment>> {
        assessment_by_id(ctx, self.0.assessment_id).await
    }
}

#[derive(Clone, Debug)]
pub struct AssessmentApplication(pub AssessmentApplicationRow);

/// A candidate's application to take an assessment (candidate × assessment, unique), made
/// when they open their invitation.
#[Object]
impl AssessmentApplication {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::AssessmentApplication.id(self.0.id)
    }
    /// Where it stands.
    async fn status(&self) -> AssessmentApplicationStatus {
        self.0.status
    }
    /// When the candidate applied (opened the invitation).
    async fn applied_at(&self) -> DateTime<Utc> {
        self.0.applied_at
    }
    /// When the test began.
    async fn started_at(&self) -> Option<DateTime<Utc>> {
        self.0.started_at
    }
    /// When the test ended (completed or timed out).
    async fn completed_at(&self) -> Option<DateTime<Utc>> {
        self.0.completed_at
    }
    /// How available the candidate says they are, in percent (0 to 100).
    async fn availability_percentage(&self) -> Option<i32> {
        self.0.availability_percentage
    }
    /// The skills the candidate listed.
    async fn submitted_skills(&self) -> &[String] {
        &self.0.submitted_skills
    }
    /// The role the candidate applies for.
    async fn role_applied_for(&self) -> Option<&str> {
        self.0.role_applied_for.as_deref()
    }
    /// The assessment.
    async fn assessment(&self, ctx: &Context<'_>) -> AppResult<Option<Assessment>> {
        assessment_by_id(ctx, self.0.assessment_id).await
    }
    /// The organisation's candidate; null unless the viewer is an admin or recruiter.
    async fn candidate(&self, ctx: &Context<'_>) -> AppResult<Option<Candidate>> {
        candidate_by_id(ctx, self.0.candidate_id).await
    }
    /// Its test session; null unless the viewer is an admin or recruiter.
    async fn test_session(&self, ctx: &Context<'_>) -> AppResult<Option<TestSession>> {
        Ok(reader(ctx)?
            .loaders
            .one::<SessionOfApplication>(self.0.id)
            .await?
            .map(TestSession))
    }
}

#[derive(Clone, Debug)]
pub struct TestSession(pub TestSessionRow);

/// A timed sitting of an assessment as the organisation's admins and recruiters see it: the
/// score and every answer's correctness.
#[Object]
impl TestSession {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::TestSession.id(self.0.id)
    }
    /// When it began.
    async fn started_at(&self) -> DateTime<Utc> {
        self.0.started_at
    }
    /// When its time runs out (the assessment's duration after `startedAt`); no answer is
    /// taken after it.
    async fn deadline_at(&self) -> DateTime<Utc> {
        self.0.deadline_at
    }
    /// When it ended; null while open (a session past its deadline ends on the taker's next
    /// call or at `releaseScore`).
    async fn completed_at(&self) -> Option<DateTime<Utc>> {
        self.0.completed_at
    }
    /// How many questions it serves.
    async fn total_questions(&self) -> i32 {
        self.0.total_questions
    }
    /// How many were answered correctly; null until scored.
    async fn correct_answers(&self) -> Option<i32> {
        self.0.correct_answers
    }
    /// `correctAnswers` out of `totalQuestions`, in percent with two decimals; null until
    /// scored.
    async fn score_percentage(&self) -> Option<f64> {
        self.0.score_percentage
    }
    /// Whether the server has scored it.
    async fn is_scored(&self) -> bool {
        self.0.is_scored
    }
    /// When the score was released to the candidate; null while they cannot see it.
    async fn score_released_at(&self) -> Option<DateTime<Utc>> {
        self.0.score_released_at
    }
    /// Its answers in the order given.
    async fn answers(&self, ctx: &Context<'_>) -> AppResult<Vec<TestAnswer>> {
        let rows = reader(ctx)?.loaders.many::<AnswersOfSession>(self.0.id).await?;
        Ok(rows.into_iter().map(TestAnswer).collect())
    }
    /// The application it belongs to.
    async fn application(&self, ctx: &Context<'_>) -> AppResult<Option<AssessmentApplication>> {
        Ok(reader(ctx)?
            .loaders
            .one::<AssessmentApplicationById>(self.0.application_id)
            .await?
            .map(AssessmentApplication))
    }
    /// What its proctoring noticed, in the order detected.
    async fn proctoring_events(&self, ctx: &Context<'_>) -> AppResult<Vec<ProctoringEvent>> {
        let rows = reader(ctx)?.loaders.many::<EventsOfSession>(self.0.id).await?;
        Ok(rows.into_iter().map(ProctoringEvent).collect())
    }
    /// Its proctoring events in numbers, by severity and review.
    async fn proctoring_summary(&self, ctx: &Context<'_>) -> AppResult<ProctoringSummary> {
        let counts = reader(ctx)?
            .loaders
            .one::<ProctoringCountsOfSession>(self.0.id)
            .await?;
        let n = |value: i64| i32::try_from(value).unwrap_or(i32::MAX);
        Ok(
            counts.map_or_else(ProctoringSummary::default, |c| ProctoringSummary {
                total: n(c.total),
                low: n(c.low),
                medium: n(c.medium),
                high: n(c.high),
                critical: n(c.critical),
                flagged: n(c.flagged),
                unreviewed: n(c.unreviewed),
            }),
        )
    }
}

/// A test session's proctoring events in numbers.
#[derive(SimpleObject, Clone, Debug, Default)]
pub struct ProctoringSummary {
    /// Every event.
    pub total: i32,
    /// Events of severity LOW.
    pub low: i32,
    /// Events of severity MEDIUM.
    pub medium: i32,
    /// Events of severity HIGH.
    pub high: i32,
    /// Events of severity CRITICAL.
    pub critical: i32,
    /// Events a reviewer flagged.
    pub flagged: i32,
    /// Events nobody has reviewed yet.
    pub unreviewed: i32,
}

#[derive(Clone, Debug)]
pub struct ProctoringEvent(pub ProctoringEventRow);

/// Something the test client's proctoring noticed during an open test session (Assist-Ten
/// ProctoringEvent), with the hiring team's review of it. Read and reviewed by the
/// organisation's admins and recruiters.
#[Object]
impl ProctoringEvent {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::ProctoringEvent.id(self.0.id)
    }
    /// What was noticed.
    async fn event_type(&self) -> ProctoringEventType {
        self.0.event_type
    }
    /// How serious it is.
    async fn severity(&self) -> ProctoringSeverity {
        self.0.severity
    }
    /// When the client noticed it.
    async fn detected_at(&self) -> DateTime<Utc> {
        self.0.detected_at
    }
    /// How long it lasted, in seconds (0 to 86,400); null when the client did not say.
    async fn duration_seconds(&self) -> Option<i32> {
        self.0.duration_seconds
    }
    /// The question on screen at the time; null when the client did not say.
    async fn question(&self, ctx: &Context<'_>) -> AppResult<Option<Question>> {
        let Some(id) = self.0.question_id else {
            return Ok(None);
        };
        Ok(reader(ctx)?.loaders.one::<QuestionById>(id).await?.map(Question))
    }
    /// Where the client stored a camera snapshot of it; null when none.
    async fn snapshot_url(&self) -> Option<&Url> {
        self.0.snapshot_url.as_ref()
    }
    /// What else the client reported, as a JSON object (`{}` when nothing).
    async fn metadata(&self) -> Json<serde_json::Value> {
        Json(self.0.metadata.clone())
    }
    /// Whether someone of the hiring team reviewed it.
    async fn reviewed(&self) -> bool {
        self.0.reviewed
    }
    /// Who reviewed it last; null before a review, or when they left the organisation.
    async fn reviewed_by(&self, ctx: &Context<'_>) -> AppResult<Option<OrganizationMember>> {
        if self.0.reviewed_by.is_none() {
            return Ok(None);
        }
        let found = reader(ctx)?
            .loaders
            .one::<ReviewerOfProctoringEvent>(self.0.id)
            .await?;
        Ok(found.map(|found| OrganizationMember(found.member)))
    }
    /// When it was last reviewed; null before a review.
    async fn reviewed_at(&self) -> Option<DateTime<Utc>> {
        self.0.reviewed_at
    }
    /// The reviewer's notes; null when none.
    async fn reviewer_notes(&self) -> Option<&str> {
        self.0.reviewer_notes.as_deref()
    }
    /// Whether a reviewer flagged it as misconduct.
    async fn flagged(&self) -> bool {
        self.0.flagged
    }
    /// When the server recorded it.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// The test session it happened in.
    async fn test_session(&self, ctx: &Context<'_>) -> AppResult<Option<TestSession>> {
        Ok(reader(ctx)?
            .loaders
            .one::<TestSessionById>(self.0.session_id)
            .await?
            .map(TestSession))
    }
}

#[derive(Clone, Debug)]
pub struct TestAnswer(pub TestAnswerRow);

/// One answer in a test session, as the organisation's admins and recruiters see it.
#[Object]
impl TestAnswer {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::TestAnswer.id(self.0.id)
    }
    /// The question answered.
    async fn question(&self, ctx: &Context<'_>) -> AppResult<Option<Question>> {
        Ok(reader(ctx)?
            .loaders
            .one::<QuestionById>(self.0.question_id)
            .await?
            .map(Question))
    }
    /// The index (from 0) of the option chosen.
    async fn selected_option(&self) -> i32 {
        self.0.selected_option
    }
    /// Whether it was the correct option.
    async fn is_correct(&self) -> bool {
        self.0.is_correct
    }
    /// Seconds since the previous answer (or the session's start), by the server's clock.
    async fn time_taken_seconds(&self) -> i32 {
        self.0.time_taken_seconds
    }
    /// When it was given.
    async fn answered_at(&self) -> DateTime<Utc> {
        self.0.answered_at
    }
}

/// `node(id:)` for the assessments' types.
pub async fn job_description_by_id(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<JobDescription>> {
    Ok(reader(ctx)?
        .loaders
        .one::<JobDescriptionById>(id)
        .await?
        .map(JobDescription))
}

pub async fn question_set_by_id(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<QuestionSet>> {
    Ok(reader(ctx)?
        .loaders
        .one::<QuestionSetById>(id)
        .await?
        .map(QuestionSet))
}

pub async fn question_by_id(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<Question>> {
    Ok(reader(ctx)?.loaders.one::<QuestionById>(id).await?.map(Question))
}

pub async fn assessment_by_id(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<Assessment>> {
    Ok(reader(ctx)?
        .loaders
        .one::<AssessmentById>(id)
        .await?
        .map(Assessment))
}

pub async fn assessment_invitation_by_id(
    ctx: &Context<'_>,
    id: Uuid,
) -> AppResult<Option<AssessmentInvitation>> {
    Ok(reader(ctx)?
        .loaders
        .one::<AssessmentInvitationById>(id)
        .await?
        .map(AssessmentInvitation))
}

pub async fn assessment_application_by_id(
    ctx: &Context<'_>,
    id: Uuid,
) -> AppResult<Option<AssessmentApplication>> {
    Ok(reader(ctx)?
        .loaders
        .one::<AssessmentApplicationById>(id)
        .await?
        .map(AssessmentApplication))
}

pub async fn test_session_by_id(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<TestSession>> {
    Ok(reader(ctx)?
        .loaders
        .one::<TestSessionById>(id)
        .await?
        .map(TestSession))
}

pub async fn proctoring_event_by_id(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<ProctoringEvent>> {
    Ok(reader(ctx)?
        .loaders
        .one::<ProctoringEventById>(id)
        .await?
        .map(ProctoringEvent))
}

pub async fn test_answer_by_id(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<TestAnswer>> {
    Ok(reader(ctx)?
        .loaders
        .one::<TestAnswerById>(id)
        .await?
        .map(TestAnswer))
}

/// An organisation's assessments, newest first.
pub struct AssessmentsOfOrganization;

impl Listing for AssessmentsOfOrganization {
    type Table = assessments::table;
    type Row = AssessmentRow;
    type Filter = ();
    const FROM: &'static str = "assessments t";
    const PARENT: &'static str = "t.organization_id";

    fn order_by(_: &()) -> &'static str {
        "t.created_at desc"
    }
}

/// A question of a test as its taker sees it: never its correct option.
#[derive(SimpleObject, Clone, Debug)]
pub struct TakerQuestion {
    /// The question's global id, to answer it with.
    pub question_id: ID,
    /// The question.
    pub text: String,
    /// The options in order (answer with an index from 0).
    pub options: Vec<String>,
    /// How hard it is; null when not rated.
    pub difficulty: Option<QuestionDifficulty>,
    /// The topic it covers.
    pub topic: Option<String>,
    /// Whether the taker has answered it.
    pub answered: bool,
    /// The index of the option the taker chose; null while unanswered.
    pub selected_option: Option<i32>,
    /// Seconds the server counted for the answer; null while unanswered.
    pub time_taken_seconds: Option<i32>,
}

/// One answer in a released result: the option chosen and the correct one.
#[derive(SimpleObject, Clone, Debug)]
pub struct TakerAnswer {
    /// The question's global id.
    pub question_id: ID,
    /// The index of the option chosen.
    pub selected_option: i32,
    /// The index of the correct option.
    pub correct_option: i32,
    /// Whether the choice was correct.
    pub is_correct: bool,
}

/// A test's score, as its taker sees it once released.
#[derive(SimpleObject, Clone, Debug)]
pub struct TakerResult {
    /// How many questions the session served.
    pub total_questions: i32,
    /// How many were answered correctly.
    pub correct_answers: i32,
    /// `correctAnswers` out of `totalQuestions`, in percent with two decimals.
    pub score_percentage: f64,
    /// When the score was released.
    pub released_at: DateTime<Utc>,
    /// Every answer with the correct option.
    pub answers: Vec<TakerAnswer>,
}

/// A test session as its taker sees it (addressed by the session's secret): the questions
/// without their correct options, and the score only once the organisation releases it.
#[derive(SimpleObject, Clone, Debug)]
pub struct TakerSession {
    /// The assessment's title.
    pub assessment_title: String,
    /// The assessment's description.
    pub assessment_description: String,
    /// How long the session lasts, in minutes.
    pub duration_minutes: i32,
    /// Where the application stands.
    pub status: AssessmentApplicationStatus,
    /// When the session began.
    pub started_at: DateTime<Utc>,
    /// When its time runs out; no answer is taken after it.
    pub deadline_at: DateTime<Utc>,
    /// When it ended; null while open.
    pub completed_at: Option<DateTime<Utc>>,
    /// Whether answers are still taken.
    pub is_open: bool,
    /// Seconds left before the deadline (0 once it passed or the session ended).
    pub seconds_left: i32,
    /// The questions in order, without their correct options.
    pub questions: Vec<TakerQuestion>,
    /// How many questions have been answered.
    pub answered_count: i32,
    /// Whether the score has been released to the taker.
    pub score_released: bool,
    /// The score and the correct options; null until the organisation releases the score.
    pub result: Option<TakerResult>,
}

/// What the taker may see of their session right now (system reads, after `settle`).
async fn taker_view(conn: &mut AsyncPgConnection, session: &TestSessionRow) -> AppResult<TakerSession> {
    let application = store::application_for_taker(conn, session.application_id).await?;
    let assessment = store::assessment_for_taker(conn, application.assessment_id).await?;
    let questions = store::questions_for_taker(conn, &assessment).await?;
    let answers = store::answers_for_taker(conn, session.id).await?;
    let now = Utc::now();
    let answer_to = |question: &QuestionRow| answers.iter().find(|a| a.question_id == question.id);
    let result = match (
        session.score_released_at,
        session.correct_answers,
        session.score_percentage,
    ) {
        (Some(released_at), Some(correct_answers), Some(score_percentage)) if session.is_scored => {
            Some(TakerResult {
                total_questions: session.total_questions,
                correct_answers,
                score_percentage,
                released_at,
                answers: questions
                    .iter()
                    .filter_map(|q| {
                        answer_to(q).map(|a| TakerAnswer {
                            question_id: NodeType::Question.id(q.id),
                            selected_option: a.selected_option,
                            correct_option: q.correct_option,
                            is_correct: a.is_correct,
                        })
                    })
                    .collect(),
            })
        }
        _ => None,
    };
    Ok(TakerSession {
        assessment_title: assessment.title.clone(),
        assessment_description: assessment.description.clone(),
        duration_minutes: assessment.duration_minutes,
        status: application.status,
        started_at: session.started_at,
        deadline_at: session.deadline_at,
        completed_at: session.completed_at,
        is_open: session.is_open(now),
        seconds_left: if session.is_open(now) {
            (session.deadline_at - now)
                .num_seconds()
                .clamp(0, i64::from(i32::MAX)) as i32
        } else {
            0
        },
        questions: questions
            .iter()
            .map(|q| {
                let answer = answer_to(q);
                TakerQuestion {
                    question_id: NodeType::Question.id(q.id),
                    text: q.text.clone(),
                    options: q.options.clone(),
                    difficulty: q.difficulty,
                    topic: q.topic.clone(),
                    answered: answer.is_some(),
                    selected_option: answer.map(|a| a.selected_option),
                    time_taken_seconds: answer.map(|a| a.time_taken_seconds),
                }
            })
            .collect(),
        answered_count: answers.len() as i32,
        score_released: result.is_some(),
        result,
    })
}

/// The session a secret opens, locked; a session past its deadline is scored first (the
/// timer running out is observed here, on the next call). `NOT_FOUND` for an unknown secret.
async fn settle(conn: &mut AsyncPgConnection, secret: &str) -> AppResult<TestSessionRow> {
    let hash = tokens::hash_secret_token(secret.trim());
    let session = store::lock_session_by_secret(conn, &hash)
        .await?
        .ok_or(AppError::NotFound("test session"))?;
    if session.completed_at.is_none() && Utc::now() >= session.deadline_at {
        return Ok(store::score_session(conn, session.id).await?.unwrap_or(session));
    }
    Ok(session)
}

/// The answer to a taker's call on a session that no longer takes anything.
fn ended() -> AppError {
    AppError::bad_input(
        "sessionSecret",
        "the test session has ended: its time ran out or it was completed",
    )
}

/// A session secret as sent: at most 200 characters.
fn secret_of(secret: &str) -> AppResult<&str> {
    if secret.len() > 200 {
        return Err(AppError::bad_input(
            "sessionSecret",
            "sessionSecret is not a session secret",
        ));
    }
    Ok(secret)
}

#[derive(Default)]
pub struct AssessmentsQuery;

#[Object]
impl AssessmentsQuery {
    /// An organisation's assessments, newest first: all of them for its members, none for
    /// anyone else.
    async fn organization_assessments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organisation.")] organization_id: ID,
        #[graphql(desc = "Return the first N items (0 to 100), after `after` if given. Default 50.")]
        first: Option<i32>,
        #[graphql(
            desc = "A cursor (an edge's `cursor` or `pageInfo.endCursor`): return the items after it."
        )]
        after: Option<String>,
        #[graphql(desc = "Return the last N items (0 to 100), before `before` if given.")] last: Option<i32>,
        #[graphql(
            desc = "A cursor (an edge's `cursor` or `pageInfo.startCursor`): return the items before it."
        )]
        before: Option<String>,
    ) -> AppResult<Conn<Assessment>> {
        let organization_id = decode_as(&organization_id, NodeType::Organization, "organizationId")?;
        let key = PageKey {
            parent: organization_id,
            args: PageArgs::new(first, after, last, before)?,
            filter: (),
        };
        let page = reader(ctx)?
            .loaders
            .page::<AssessmentsOfOrganization>(key)
            .await?;
        Ok(page.into_connection(|row| row.id, Assessment))
    }

    /// The test session a secret opens (from `startAssessment`), as its taker sees it. Needs
    /// no account: the secret alone authenticates the taker. A session past its deadline is
    /// ended and scored on this call. `NOT_FOUND` for an unknown secret.
    async fn test_taker_session(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The session secret `startAssessment` returned.")] session_secret: String,
    ) -> AppResult<TakerSession> {
        let secret = secret_of(&session_secret)?;
        let mut conn = services(ctx).pool.get().await?;
        conn.transaction::<_, AppError, _>(async |conn| {
            let session = settle(conn, secret).await?;
            taker_view(conn, &session).await
        })
        .await
    }
}

/// A job description's fields.
#[derive(InputObject)]
pub struct CreateJobDescriptionInput {
    /// The organisation (its admins and recruiters add job descriptions).
    pub organization_id: ID,
    /// 1 to 200 characters.
    pub title: String,
    /// Up to 50,000 characters.
    #[graphql(default)]
    pub description: String,
    /// Text extracted from a file, up to 200,000 characters.
    pub extracted_text: Option<String>,
}

/// What `createJobDescription` answers.
#[derive(SimpleObject)]
pub struct JobDescriptionPayload {
    /// The job description.
    pub job_description: JobDescription,
}

/// A question set to import.
#[derive(InputObject)]
pub struct ImportQuestionSetInput {
    /// The organisation (its admins and recruiters import).
    pub organization_id: ID,
    /// The set as JSON text: `{"skill", "level": "BEGINNER|INTERMEDIATE|EXPERT",
    /// "generationModel"?, "source"?, "questions": [{"text", "options": [2 to 8 strings],
    /// "correctOption": index from 0, "difficulty"?: "EASY|MEDIUM|HARD", "topic"?, "source"?}]}`
    /// with 1 to 500 questions. A bad item is `BAD_USER_INPUT` naming it
    /// (`document.questions[3].correctOption`), and nothing is written.
    #[graphql(validator(max_length = 2000000))]
    pub document: String,
}

/// What `importQuestionSet` answers.
#[derive(SimpleObject)]
pub struct QuestionSetPayload {
    /// The question set, with its questions.
    pub question_set: QuestionSet,
}

/// A question to add to a question set or to a job description (exactly one of the two).
#[derive(InputObject)]
pub struct AddQuestionInput {
    /// The question set it joins; give this or `jobDescriptionId`.
    pub question_set_id: Option<ID>,
    /// The job description it joins; give this or `questionSetId`.
    pub job_description_id: Option<ID>,
    /// 1 to 5,000 characters.
    pub text: String,
    /// 2 to 8 distinct options, each 1 to 1,000 characters.
    pub options: Vec<String>,
    /// The index (from 0) of the correct option.
    pub correct_option: i32,
    /// How hard it is.
    pub difficulty: Option<QuestionDifficulty>,
    /// Up to 200 characters.
    pub topic: Option<String>,
    /// Up to 200 characters.
    pub source: Option<String>,
}

/// What `addQuestion` answers.
#[derive(SimpleObject)]
pub struct QuestionPayload {
    /// The question.
    pub question: Question,
}

/// An assessment's fields.
#[derive(InputObject)]
pub struct CreateAssessmentInput {
    /// The organisation that owns it (its admins and recruiters create assessments).
    pub organization_id: ID,
    /// 1 to 200 characters.
    pub title: String,
    /// Up to 10,000 characters.
    #[graphql(default)]
    pub description: String,
    /// Up to 200 characters.
    pub job_title: Option<String>,
    /// A job description of the same organisation.
    pub job_description_id: Option<ID>,
    /// Up to 50 skill labels, each up to 100 characters.
    #[graphql(default)]
    pub required_skills: Vec<String>,
    /// Up to 20 roles of the role catalog.
    #[graphql(default)]
    pub required_role_ids: Vec<ID>,
    /// A question set of the same organisation.
    pub question_set_id: Option<ID>,
    /// Up to 50 characters.
    pub method: Option<String>,
    /// 1 to 600 minutes.
    pub duration_minutes: i32,
    /// Default true.
    #[graphql(default = true)]
    pub is_questionnaire_enabled: bool,
    /// Default false.
    #[graphql(default)]
    pub is_interview_enabled: bool,
    /// Default true.
    #[graphql(default = true)]
    pub is_active: bool,
    /// Default false.
    #[graphql(default)]
    pub is_published: bool,
    /// When it stops taking new test sessions; null for never.
    pub expires_at: Option<DateTime<Utc>>,
}

/// Changes to an assessment: absent fields stay, null clears.
#[derive(InputObject)]
pub struct UpdateAssessmentInput {
    /// The assessment.
    pub id: ID,
    /// 1 to 200 characters.
    pub title: Option<String>,
    /// Up to 10,000 characters.
    pub description: Option<String>,
    /// Up to 200 characters.
    pub job_title: MaybeUndefined<String>,
    /// A job description of the same organisation.
    pub job_description_id: MaybeUndefined<ID>,
    /// Up to 50 skill labels (replaces the list).
    pub required_skills: Option<Vec<String>>,
    /// Up to 20 roles of the role catalog (replaces the list).
    pub required_role_ids: Option<Vec<ID>>,
    /// A question set of the same organisation.
    pub question_set_id: MaybeUndefined<ID>,
    /// Up to 50 characters.
    pub method: MaybeUndefined<String>,
    /// 1 to 600 minutes.
    pub duration_minutes: Option<i32>,
    /// Whether it includes the questionnaire.
    pub is_questionnaire_enabled: Option<bool>,
    /// Whether it includes an interview.
    pub is_interview_enabled: Option<bool>,
    /// Whether invitations to it may be opened.
    pub is_active: Option<bool>,
    /// Whether it is published.
    pub is_published: Option<bool>,
    /// When it stops taking new test sessions.
    pub expires_at: MaybeUndefined<DateTime<Utc>>,
}

/// What assessment mutations answer.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct AssessmentPayload {
    /// The assessment as it now is.
    pub assessment: Assessment,
}

payload_edge!(AssessmentPayload.assessment_edge: Assessment = assessment, id assessment.0.id);

/// Whom to invite to an assessment.
#[derive(InputObject)]
pub struct InviteToAssessmentInput {
    /// The assessment (its organisation's admins and recruiters invite).
    pub assessment_id: ID,
    /// The candidate's email.
    pub email: EmailAddress,
}

/// What `inviteToAssessment` answers.
#[derive(SimpleObject)]
pub struct InviteToAssessmentPayload {
    /// The invitation.
    pub invitation: AssessmentInvitation,
    /// The single-use secret the candidate starts the test with (`startAssessment`). Shown
    /// only here: the server keeps only its hash.
    pub token: String,
}

/// Opening an invitation, with what the candidate tells about themselves.
#[derive(InputObject)]
pub struct StartAssessmentInput {
    /// The invitation's token.
    #[graphql(validator(max_length = 200))]
    pub token: String,
    /// The candidate's name, 1 to 200 characters; defaults to the invitation's email.
    pub full_name: Option<String>,
    /// How available they are, in percent (0 to 100).
    pub availability_percentage: Option<i32>,
    /// Up to 50 skill labels.
    #[graphql(default)]
    pub submitted_skills: Vec<String>,
    /// The role they apply for, up to 200 characters.
    pub role_applied_for: Option<String>,
}

/// What `startAssessment` answers.
#[derive(SimpleObject)]
pub struct StartAssessmentPayload {
    /// The secret that addresses the new test session (`testTakerSession`, `answerQuestion`,
    /// `completeTestSession`). Shown only here: the server keeps only its hash.
    pub session_secret: String,
    /// The session as its taker sees it.
    pub session: TakerSession,
}

/// One answer.
#[derive(InputObject)]
pub struct AnswerQuestionInput {
    /// The session's secret.
    pub session_secret: String,
    /// The question (a `TakerQuestion.questionId` of this session).
    pub question_id: ID,
    /// The index (from 0) of the option chosen.
    pub selected_option: i32,
}

/// The session to act on.
#[derive(InputObject)]
pub struct TestSessionSecretInput {
    /// The session's secret.
    pub session_secret: String,
}

/// What the taker's mutations answer.
#[derive(SimpleObject)]
pub struct TakerSessionPayload {
    /// The session as its taker now sees it.
    pub session: TakerSession,
}

/// The session whose score to release.
#[derive(InputObject)]
pub struct ReleaseScoreInput {
    /// The test session.
    pub test_session_id: ID,
}

/// What `releaseScore` answers.
#[derive(SimpleObject)]
pub struct TestSessionPayload {
    /// The session as it now is.
    pub test_session: TestSession,
}

/// What the test client noticed, posted during an open session.
#[derive(InputObject)]
pub struct RecordProctoringEventInput {
    /// The session's secret.
    pub session_secret: String,
    /// What was noticed.
    pub event_type: ProctoringEventType,
    /// How serious it is; HIGH and CRITICAL notify the assessment's creator.
    pub severity: ProctoringSeverity,
    /// When it was noticed: from the session's start to now (a minute of clock skew is
    /// allowed); default now.
    pub detected_at: Option<DateTime<Utc>>,
    /// How long it lasted, in seconds (0 to 86,400).
    pub duration_seconds: Option<i32>,
    /// The question on screen (a `TakerQuestion.questionId` of this session).
    pub question_id: Option<ID>,
    /// Where the client stored a camera snapshot (http or https).
    pub snapshot_url: Option<Url>,
    /// Anything else, as a JSON object of at most 10,000 characters.
    pub metadata: Option<Json<serde_json::Value>>,
}

/// An event as its reporter sees it once recorded: no review.
#[derive(SimpleObject, Clone, Debug)]
pub struct TakerProctoringEvent {
    /// What was noticed.
    pub event_type: ProctoringEventType,
    /// How serious it is.
    pub severity: ProctoringSeverity,
    /// When it was noticed.
    pub detected_at: DateTime<Utc>,
    /// How long it lasted, in seconds.
    pub duration_seconds: Option<i32>,
}

/// What `recordProctoringEvent` answers.
#[derive(SimpleObject)]
pub struct RecordProctoringEventPayload {
    /// The event as recorded.
    pub event: TakerProctoringEvent,
}

/// A review of a proctoring event: absent fields stay, null clears the notes.
#[derive(InputObject)]
pub struct ReviewProctoringEventInput {
    /// The proctoring event.
    pub id: ID,
    /// What the reviewer concluded, up to 5,000 characters.
    pub reviewer_notes: MaybeUndefined<String>,
    /// Whether the event is misconduct.
    pub flagged: Option<bool>,
}

/// What `reviewProctoringEvent` answers.
#[derive(SimpleObject)]
pub struct ProctoringEventPayload {
    /// The event as it now is.
    pub proctoring_event: ProctoringEvent,
}

/// The event's metadata, checked: a JSON object of at most 10,000 characters.
fn metadata_of(value: Option<Json<serde_json::Value>>) -> AppResult<serde_json::Value> {
    let Some(Json(value)) = value else {
        return Ok(serde_json::Value::Object(serde_json::Map::new()));
    };
    if !value.is_object() {
        return Err(AppError::bad_input("metadata", "metadata must be a JSON object"));
    }
    let length = value.to_string().chars().count();
    if length > 10_000 {
        return Err(AppError::bad_input(
            "metadata",
            format!("metadata is {length} characters long as JSON; at most 10000 are allowed"),
        ));
    }
    Ok(value)
}

fn skills_of(field: &str, values: &[String]) -> AppResult<Vec<String>> {
    validate::labels(field, values, 50, 100)
}

/// The catalog roles these ids name; `BAD_USER_INPUT` on `requiredRoleIds` if one names none.
async fn roles_of(conn: &mut AsyncPgConnection, ids: &[ID]) -> AppResult<Vec<Uuid>> {
    if ids.len() > 20 {
        return Err(AppError::bad_input(
            "requiredRoleIds",
            "at most 20 roles are allowed",
        ));
    }
    let mut roles: Vec<Uuid> = Vec::with_capacity(ids.len());
    for id in ids {
        let role = decode_as(id, NodeType::CatalogRole, "requiredRoleIds")?;
        if !roles.contains(&role) {
            roles.push(role);
        }
    }
    if store::catalog_roles_found(conn, &roles).await? != roles.len() as i64 {
        return Err(AppError::bad_input(
            "requiredRoleIds",
            "every required role must be a role of the catalog",
        ));
    }
    Ok(roles)
}

/// A job description or question set the principal may see in `organization_id`.
async fn own_parent(
    conn: &mut AsyncPgConnection,
    who: crate::access::Principal,
    organization_id: Uuid,
    parent: QuestionParent,
    field: &'static str,
) -> AppResult<()> {
    let found = match parent {
        QuestionParent::Set(id) => store::one::<QuestionSetById>(conn, who, id)
            .await?
            .map(|row| row.organization_id),
        QuestionParent::JobDescription(id) => store::one::<JobDescriptionById>(conn, who, id)
            .await?
            .map(|row| row.organization_id),
    };
    if found == Some(organization_id) {
        Ok(())
    } else {
        Err(AppError::bad_input(
            field,
            format!("{field} must name one of the organisation's own"),
        ))
    }
}

fn duration(value: i32) -> AppResult<i32> {
    validate::int_in("durationMinutes", value, 1..=600)
}

#[derive(Default)]
pub struct AssessmentsMutation;

#[Object]
impl AssessmentsMutation {
    /// Adds a job description (the organisation's admins and recruiters).
    async fn create_job_description(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The job description.")] input: CreateJobDescriptionInput,
    ) -> AppResult<JobDescriptionPayload> {
        let who = viewer(ctx)?.principal();
        let organization_id = decode_as(&input.organization_id, NodeType::Organization, "organizationId")?;
        let title = validate::text_of("title", &input.title, 200)?;
        if input.description.chars().count() > 50_000 {
            return Err(AppError::bad_input(
                "description",
                "description is longer than 50,000 characters",
            ));
        }
        let extracted = input
            .extracted_text
            .map(text("extractedText", 200_000))
            .transpose()?;
        let mut conn = services(ctx).pool.get().await?;
        let created = conn
            .transaction::<_, AppError, _>(async |conn| {
                require_hiring_team(
                    conn,
                    who,
                    organization_id,
                    "only admins and recruiters add job descriptions",
                )
                .await?;
                let new = NewJobDescription {
                    title: &title,
                    description: input.description.trim(),
                    extracted_text: extracted.as_deref(),
                };
                Ok(store::insert_job_description(conn, who, organization_id, &new).await?)
            })
            .await?;
        Ok(JobDescriptionPayload {
            job_description: JobDescription(created),
        })
    }

    /// Imports a question set from a JSON document (the organisation's admins and
    /// recruiters). Every item is checked before anything is written; the first bad one is
    /// `BAD_USER_INPUT` with `extensions.field` naming it, and nothing is written.
    async fn import_question_set(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organisation and the document.")] input: ImportQuestionSetInput,
    ) -> AppResult<QuestionSetPayload> {
        let who = viewer(ctx)?.principal();
        let organization_id = decode_as(&input.organization_id, NodeType::Organization, "organizationId")?;
        let (set, items) = import::parse(&input.document)?;
        let mut conn = services(ctx).pool.get().await?;
        let created = conn
            .transaction::<_, AppError, _>(async |conn| {
                require_hiring_team(
                    conn,
                    who,
                    organization_id,
                    "only admins and recruiters import question sets",
                )
                .await?;
                Ok(store::insert_question_set(conn, who, organization_id, &set, &items).await?)
            })
            .await?;
        Ok(QuestionSetPayload {
            question_set: QuestionSet(created),
        })
    }

    /// Adds a question to a question set or a job description — exactly one of the two (the
    /// organisation's admins and recruiters).
    async fn add_question(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The question and where it goes.")] input: AddQuestionInput,
    ) -> AppResult<QuestionPayload> {
        let who = viewer(ctx)?.principal();
        let parent = match (&input.question_set_id, &input.job_description_id) {
            (Some(id), None) => QuestionParent::Set(decode_as(id, NodeType::QuestionSet, "questionSetId")?),
            (None, Some(id)) => {
                QuestionParent::JobDescription(decode_as(id, NodeType::JobDescription, "jobDescriptionId")?)
            }
            _ => {
                return Err(AppError::bad_input(
                    "questionSetId",
                    "give exactly one of questionSetId and jobDescriptionId",
                ));
            }
        };
        let options = input
            .options
            .iter()
            .map(|option| validate::text_of("options", option, 1000))
            .collect::<AppResult<Vec<_>>>()?;
        let options = import::check_options("options", options)?;
        let item = NewQuestion {
            text: validate::text_of("text", &input.text, 5000)?,
            correct_option: import::check_correct(
                "correctOption",
                i64::from(input.correct_option),
                options.len(),
            )?,
            options,
            difficulty: input.difficulty,
            topic: input.topic.map(text("topic", 200)).transpose()?,
            source: input.source.map(text("source", 200)).transpose()?,
        };
        let mut conn = services(ctx).pool.get().await?;
        let created = conn
            .transaction::<_, AppError, _>(async |conn| {
                let organization_id = match parent {
                    QuestionParent::Set(id) => {
                        authorize::<question_sets::table>(
                            conn,
                            who,
                            id,
                            "QuestionSet",
                            "only admins and recruiters add questions",
                        )
                        .await?;
                        store::one::<QuestionSetById>(conn, who, id)
                            .await?
                            .map(|r| r.organization_id)
                    }
                    QuestionParent::JobDescription(id) => {
                        authorize::<job_descriptions::table>(
                            conn,
                            who,
                            id,
                            "JobDescription",
                            "only admins and recruiters add questions",
                        )
                        .await?;
                        store::one::<JobDescriptionById>(conn, who, id)
                            .await?
                            .map(|r| r.organization_id)
                    }
                }
                .ok_or(AppError::NotFound("question parent"))?;
                let position = store::next_position(conn, parent).await?;
                Ok(store::insert_question(conn, organization_id, parent, position, &item).await?)
            })
            .await?;
        Ok(QuestionPayload {
            question: Question(created),
        })
    }

    /// Creates an assessment (the organisation's admins and recruiters).
    async fn create_assessment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The assessment; every field is checked before anything is written.")]
        input: CreateAssessmentInput,
    ) -> AppResult<AssessmentPayload> {
        let who = viewer(ctx)?.principal();
        let organization_id = decode_as(&input.organization_id, NodeType::Organization, "organizationId")?;
        let job_description = input
            .job_description_id
            .as_ref()
            .map(|id| decode_as(id, NodeType::JobDescription, "jobDescriptionId"))
            .transpose()?;
        let question_set = input
            .question_set_id
            .as_ref()
            .map(|id| decode_as(id, NodeType::QuestionSet, "questionSetId"))
            .transpose()?;
        if input.description.chars().count() > 10_000 {
            return Err(AppError::bad_input(
                "description",
                "description is longer than 10,000 characters",
            ));
        }
        let mut values = AssessmentValues {
            title: validate::text_of("title", &input.title, 200)?,
            description: input.description.trim().to_owned(),
            job_title: input.job_title.map(text("jobTitle", 200)).transpose()?,
            job_description_id: job_description,
            required_skills: skills_of("requiredSkills", &input.required_skills)?,
            required_role_ids: Vec::new(),
            question_set_id: question_set,
            method: input.method.map(text("method", 50)).transpose()?,
            duration_minutes: duration(input.duration_minutes)?,
            is_questionnaire_enabled: input.is_questionnaire_enabled,
            is_interview_enabled: input.is_interview_enabled,
            is_active: input.is_active,
            is_published: input.is_published,
            expires_at: input.expires_at,
        };
        let mut conn = services(ctx).pool.get().await?;
        let created = conn
            .transaction::<_, AppError, _>(async |conn| {
                require_hiring_team(
                    conn,
                    who,
                    organization_id,
                    "only admins and recruiters create assessments",
                )
                .await?;
                values.required_role_ids = roles_of(conn, &input.required_role_ids).await?;
                if let Some(id) = values.job_description_id {
                    own_parent(
                        conn,
                        who,
                        organization_id,
                        QuestionParent::JobDescription(id),
                        "jobDescriptionId",
                    )
                    .await?;
                }
                if let Some(id) = values.question_set_id {
                    own_parent(
                        conn,
                        who,
                        organization_id,
                        QuestionParent::Set(id),
                        "questionSetId",
                    )
                    .await?;
                }
                Ok(store::insert_assessment(conn, who, organization_id, &values).await?)
            })
            .await?;
        Ok(AssessmentPayload {
            assessment: Assessment(created),
        })
    }

    /// Changes an assessment (the organisation's admins and recruiters).
    async fn update_assessment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes; every field is checked before anything is written.")]
        input: UpdateAssessmentInput,
    ) -> AppResult<AssessmentPayload> {
        let who = viewer(ctx)?.principal();
        let id = decode_as(&input.id, NodeType::Assessment, "id")?;
        let title = input.title.map(text("title", 200)).transpose()?;
        if input
            .description
            .as_ref()
            .is_some_and(|d| d.chars().count() > 10_000)
        {
            return Err(AppError::bad_input(
                "description",
                "description is longer than 10,000 characters",
            ));
        }
        let job_title = validate::field(input.job_title, text("jobTitle", 200))?;
        let method = validate::field(input.method, text("method", 50))?;
        let job_description = validate::field(input.job_description_id, |id| {
            decode_as(&id, NodeType::JobDescription, "jobDescriptionId")
        })?;
        let question_set = validate::field(input.question_set_id, |id| {
            decode_as(&id, NodeType::QuestionSet, "questionSetId")
        })?;
        let skills = input
            .required_skills
            .as_deref()
            .map(|skills| skills_of("requiredSkills", skills))
            .transpose()?;
        let minutes = input.duration_minutes.map(duration).transpose()?;
        let expires_at = validate::field(input.expires_at, Ok)?;
        let mut conn = services(ctx).pool.get().await?;
        let updated = conn
            .transaction::<_, AppError, _>(async |conn| {
                authorize::<assessments::table>(
                    conn,
                    who,
                    id,
                    "Assessment",
                    "only admins and recruiters change assessments",
                )
                .await?;
                let row = store::one::<AssessmentById>(conn, who, id)
                    .await?
                    .ok_or(AppError::NotFound("Assessment"))?;
                let mut values = AssessmentValues::from(&row);
                if let Some(title) = title {
                    values.title = title;
                }
                if let Some(description) = input.description {
                    values.description = description.trim().to_owned();
                }
                if let Some(job_title) = job_title {
                    values.job_title = job_title;
                }
                if let Some(method) = method {
                    values.method = method;
                }
                if let Some(jd) = job_description {
                    if let Some(jd) = jd {
                        own_parent(
                            conn,
                            who,
                            row.organization_id,
                            QuestionParent::JobDescription(jd),
                            "jobDescriptionId",
                        )
                        .await?;
                    }
                    values.job_description_id = jd;
                }
                if let Some(set) = question_set {
                    if let Some(set) = set {
                        own_parent(
                            conn,
                            who,
                            row.organization_id,
                            QuestionParent::Set(set),
                            "questionSetId",
                        )
                        .await?;
                    }
                    values.question_set_id = set;
                }
                if let Some(skills) = skills {
                    values.required_skills = skills;
                }
                if let Some(roles) = &input.required_role_ids {
                    values.required_role_ids = roles_of(conn, roles).await?;
                }
                if let Some(minutes) = minutes {
                    values.duration_minutes = minutes;
                }
                if let Some(flag) = input.is_questionnaire_enabled {
                    values.is_questionnaire_enabled = flag;
                }
                if let Some(flag) = input.is_interview_enabled {
                    values.is_interview_enabled = flag;
                }
                if let Some(flag) = input.is_active {
                    values.is_active = flag;
                }
                if let Some(flag) = input.is_published {
                    values.is_published = flag;
                }
                if let Some(expires_at) = expires_at {
                    values.expires_at = expires_at;
                }
                store::update_assessment(conn, who, id, &values)
                    .await?
                    .ok_or(AppError::NotFound("Assessment"))
            })
            .await?;
        Ok(AssessmentPayload {
            assessment: Assessment(updated),
        })
    }

    /// Invites a candidate by email to take an assessment (the organisation's admins and
    /// recruiters). The answer carries the single-use token, valid for 7 days; when the email
    /// belongs to a careergraph user, they are notified (without the token).
    async fn invite_to_assessment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The assessment and whom to invite.")] input: InviteToAssessmentInput,
    ) -> AppResult<InviteToAssessmentPayload> {
        let who = viewer(ctx)?.principal();
        let assessment_id = decode_as(&input.assessment_id, NodeType::Assessment, "assessmentId")?;
        let email = validate::email("email", &input.email)?;
        let (token, token_hash) = tokens::new_secret_token().map_err(AppError::internal)?;
        let mut conn = services(ctx).pool.get().await?;
        let invitation = conn
            .transaction::<_, AppError, _>(async |conn| {
                authorize::<assessments::table>(
                    conn,
                    who,
                    assessment_id,
                    "Assessment",
                    "only admins and recruiters invite to assessments",
                )
                .await?;
                let assessment = store::one::<AssessmentById>(conn, who, assessment_id)
                    .await?
                    .ok_or(AppError::NotFound("Assessment"))?;
                let new = NewAssessmentInvitation {
                    assessment: &assessment,
                    email: &email,
                    token_hash: &token_hash,
                    expires_at: Utc::now() + Duration::days(INVITATION_DAYS),
                };
                let invitation = store::insert_invitation(conn, who, &new).await?;
                if let Some(user_id) = user_with_email(conn, &email).await? {
                    let notice = Notice::new(
                        user_id,
                        NotificationType::Assessment,
                        "You are invited to an assessment",
                        format!(
                            "You are invited to take the assessment \"{}\"; the invitation email carries your link.",
                            assessment.title
                        ),
                    );
                    notify(conn, vec![notice]).await?;
                }
                Ok(invitation)
            })
            .await?;
        Ok(InviteToAssessmentPayload {
            invitation: AssessmentInvitation(invitation),
            token,
        })
    }

    /// Opens an invitation and starts the test: creates the candidate's application (one per
    /// candidate and assessment) and its test session, and returns the session's secret once.
    /// Needs no account; a signed-in taker is linked to the application and the candidate. An
    /// unknown, used or expired token is `NOT_FOUND` and creates nothing; an assessment that is
    /// inactive or expired is `BAD_USER_INPUT` on `token`; a candidate who already applied is
    /// `CONFLICT`.
    async fn start_assessment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The invitation's token and the candidate's details.")] input: StartAssessmentInput,
    ) -> AppResult<StartAssessmentPayload> {
        let signed_in = reader(ctx)?.principal();
        let user_id = (signed_in.user_id != Uuid::nil()).then_some(signed_in.user_id);
        let full_name = input.full_name.map(text("fullName", 200)).transpose()?;
        let availability = input
            .availability_percentage
            .map(|value| validate::int_in("availabilityPercentage", value, 0..=100))
            .transpose()?;
        let skills = skills_of("submittedSkills", &input.submitted_skills)?;
        let role = input
            .role_applied_for
            .map(text("roleAppliedFor", 200))
            .transpose()?;
        let hash = tokens::hash_secret_token(input.token.trim());
        let (secret, secret_hash) = tokens::new_secret_token().map_err(AppError::internal)?;
        let mut conn = services(ctx).pool.get().await?;
        let session = conn
            .transaction::<_, AppError, _>(async |conn| {
                let invitation = store::lock_invitation(conn, &hash)
                    .await?
                    .filter(|invitation| invitation.used_at.is_none() && invitation.expires_at > Utc::now())
                    .ok_or(AppError::NotFound("assessment invitation"))?;
                let assessment = store::assessment_for_taker(conn, invitation.assessment_id).await?;
                if !assessment.is_active || assessment.is_expired(Utc::now()) {
                    return Err(AppError::bad_input(
                        "token",
                        "the assessment no longer takes test sessions",
                    ));
                }
                let name = full_name.clone().unwrap_or_else(|| invitation.email.clone());
                let candidate_id = store::candidate_for_email(
                    conn,
                    assessment.organization_id,
                    &invitation.email,
                    &name,
                    user_id,
                )
                .await?;
                let new = NewApplication {
                    assessment: &assessment,
                    candidate_id,
                    user_id,
                    invitation_id: invitation.id,
                    availability_percentage: availability,
                    submitted_skills: &skills,
                    role_applied_for: role.as_deref(),
                };
                let (_, session) = store::start_session(conn, &new, &secret_hash).await?;
                store::mark_invitation_used(conn, invitation.id).await?;
                taker_view(conn, &session).await
            })
            .await?;
        Ok(StartAssessmentPayload {
            session_secret: secret,
            session,
        })
    }

    /// Answers one question of an open session, once (a second answer, even a concurrent one,
    /// is `CONFLICT`). The server records the time taken. After the deadline or once the
    /// session is completed, `BAD_USER_INPUT` on `sessionSecret`; a question the session does
    /// not serve is `NOT_FOUND`; an option out of range is `BAD_USER_INPUT` on
    /// `selectedOption`.
    async fn answer_question(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The session, the question and the option chosen.")] input: AnswerQuestionInput,
    ) -> AppResult<TakerSessionPayload> {
        let secret = secret_of(&input.session_secret)?.to_owned();
        let question_id = decode_as(&input.question_id, NodeType::Question, "questionId")?;
        let mut conn = services(ctx).pool.get().await?;
        // A session past its deadline is scored and that is kept, even though the answer is
        // refused: the timer running out is observed on this call.
        let session = conn
            .transaction::<_, AppError, _>(async |conn| settle(conn, &secret).await)
            .await?;
        if !session.is_open(Utc::now()) {
            return Err(AppError::bad_input(
                "sessionSecret",
                "the test session has ended: its time ran out or it was completed",
            ));
        }
        let session = conn
            .transaction::<_, AppError, _>(async |conn| {
                let session = settle(conn, &secret).await?;
                if !session.is_open(Utc::now()) {
                    return Err(AppError::bad_input(
                        "sessionSecret",
                        "the test session has ended: its time ran out or it was completed",
                    ));
                }
                let application = store::application_for_taker(conn, session.application_id).await?;
                let assessment = store::assessment_for_taker(conn, application.assessment_id).await?;
                let question = store::questions_for_taker(conn, &assessment)
                    .await?
                    .into_iter()
                    .find(|q| q.id == question_id)
                    .ok_or(AppError::NotFound("Question"))?;
                if input.selected_option < 0 || input.selected_option as usize >= question.options.len() {
                    return Err(AppError::bad_input(
                        "selectedOption",
                        format!(
                            "selectedOption is {}; the question has options 0 to {}",
                            input.selected_option,
                            question.options.len() - 1
                        ),
                    ));
                }
                let is_correct = input.selected_option == question.correct_option;
                store::insert_answer(conn, &session, question_id, input.selected_option, is_correct)
                    .await
                    .map_err(|error| match AppError::from(error) {
                        AppError::Conflict(_) => {
                            AppError::Conflict("this question is already answered".to_owned())
                        }
                        other => other,
                    })?;
                Ok(session)
            })
            .await?;
        let view = conn
            .transaction::<_, AppError, _>(async |conn| taker_view(conn, &session).await)
            .await?;
        Ok(TakerSessionPayload { session: view })
    }

    /// Ends a session and scores it on the server (the taker, with the session's secret). A
    /// session already ended stays as it is; the score stays hidden until released.
    async fn complete_test_session(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The session's secret.")] input: TestSessionSecretInput,
    ) -> AppResult<TakerSessionPayload> {
        let secret = secret_of(&input.session_secret)?;
        let mut conn = services(ctx).pool.get().await?;
        let view = conn
            .transaction::<_, AppError, _>(async |conn| {
                let session = settle(conn, secret).await?;
                let session = store::score_session(conn, session.id).await?.unwrap_or(session);
                taker_view(conn, &session).await
            })
            .await?;
        Ok(TakerSessionPayload { session: view })
    }

    /// Records what the test client's proctoring noticed (the taker's client, with the
    /// session's secret; no account needed). Only during an open session: after the deadline
    /// or once completed, `BAD_USER_INPUT` on `sessionSecret`. A question the session does not
    /// serve is `NOT_FOUND`; a time outside the session, a bad URL or metadata is
    /// `BAD_USER_INPUT` naming the field; more than 1,000 events in a session is
    /// `BAD_USER_INPUT` on `sessionSecret`. A HIGH or CRITICAL event notifies the assessment's
    /// creator.
    async fn record_proctoring_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The session and what was noticed.")] input: RecordProctoringEventInput,
    ) -> AppResult<RecordProctoringEventPayload> {
        let secret = secret_of(&input.session_secret)?.to_owned();
        let question_id = input
            .question_id
            .as_ref()
            .map(|id| decode_as(id, NodeType::Question, "questionId"))
            .transpose()?;
        let duration_seconds = input
            .duration_seconds
            .map(|value| validate::int_in("durationSeconds", value, 0..=86_400))
            .transpose()?;
        let snapshot_url = input
            .snapshot_url
            .map(validate::url("snapshotUrl", &[]))
            .transpose()?;
        let metadata = metadata_of(input.metadata)?;
        let mut conn = services(ctx).pool.get().await?;
        // As in `answerQuestion`: a session past its deadline is scored, and that is kept,
        // even though the event is refused.
        let session = conn
            .transaction::<_, AppError, _>(async |conn| settle(conn, &secret).await)
            .await?;
        if !session.is_open(Utc::now()) {
            return Err(ended());
        }
        let event = conn
            .transaction::<_, AppError, _>(async |conn| {
                let session = settle(conn, &secret).await?;
                let now = Utc::now();
                if !session.is_open(now) {
                    return Err(ended());
                }
                let detected_at = input.detected_at.unwrap_or(now);
                if detected_at < session.started_at
                    || detected_at > now + Duration::seconds(CLOCK_SKEW_SECONDS)
                {
                    return Err(AppError::bad_input(
                        "detectedAt",
                        "detectedAt must fall between the session's start and now",
                    ));
                }
                let application = store::application_for_taker(conn, session.application_id).await?;
                let assessment = store::assessment_for_taker(conn, application.assessment_id).await?;
                if let Some(question_id) = question_id {
                    store::questions_for_taker(conn, &assessment)
                        .await?
                        .iter()
                        .find(|q| q.id == question_id)
                        .ok_or(AppError::NotFound("Question"))?;
                }
                if store::proctoring_events_of(conn, session.id).await? >= MAX_PROCTORING_EVENTS {
                    return Err(AppError::bad_input(
                        "sessionSecret",
                        format!("the test session already holds {MAX_PROCTORING_EVENTS} proctoring events"),
                    ));
                }
                let new = NewProctoringEvent {
                    event_type: input.event_type,
                    severity: input.severity,
                    detected_at,
                    duration_seconds,
                    question_id,
                    snapshot_url: snapshot_url.as_ref(),
                    metadata: &metadata,
                };
                let event = store::insert_proctoring_event(conn, &session, &new).await?;
                notices::proctoring_event(conn, &assessment, &event).await?;
                Ok(event)
            })
            .await?;
        Ok(RecordProctoringEventPayload {
            event: TakerProctoringEvent {
                event_type: event.event_type,
                severity: event.severity,
                detected_at: event.detected_at,
                duration_seconds: event.duration_seconds,
            },
        })
    }

    /// Reviews a proctoring event (the organisation's admins and recruiters): marks it
    /// reviewed by the viewer now, with notes and a flag. `NOT_FOUND` for those who cannot see
    /// it; notes over 5,000 characters are `BAD_USER_INPUT`.
    async fn review_proctoring_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The event and the review.")] input: ReviewProctoringEventInput,
    ) -> AppResult<ProctoringEventPayload> {
        let who = viewer(ctx)?.principal();
        let id = decode_as(&input.id, NodeType::ProctoringEvent, "id")?;
        let notes = validate::field(input.reviewer_notes, text("reviewerNotes", 5_000))?;
        let mut conn = services(ctx).pool.get().await?;
        let reviewed = conn
            .transaction::<_, AppError, _>(async |conn| {
                authorize::<proctoring_events::table>(
                    conn,
                    who,
                    id,
                    "ProctoringEvent",
                    "only admins and recruiters review proctoring events",
                )
                .await?;
                let current = store::lock_proctoring_event(conn, who, id)
                    .await?
                    .ok_or(AppError::NotFound("ProctoringEvent"))?;
                let notes = match notes {
                    None => current.reviewer_notes,
                    Some(notes) => notes,
                };
                let flagged = input.flagged.unwrap_or(current.flagged);
                store::review_proctoring_event(conn, who, id, notes.as_deref(), flagged)
                    .await?
                    .ok_or(AppError::NotFound("ProctoringEvent"))
            })
            .await?;
        Ok(ProctoringEventPayload {
            proctoring_event: ProctoringEvent(reviewed),
        })
    }

    /// Releases a scored session's score to its taker (the organisation's admins and
    /// recruiters); a session past its deadline is scored first. A session still running is
    /// `BAD_USER_INPUT`.
    async fn release_score(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The test session.")] input: ReleaseScoreInput,
    ) -> AppResult<TestSessionPayload> {
        let who = viewer(ctx)?.principal();
        let id = decode_as(&input.test_session_id, NodeType::TestSession, "testSessionId")?;
        let mut conn = services(ctx).pool.get().await?;
        let released = conn
            .transaction::<_, AppError, _>(async |conn| {
                authorize::<test_sessions::table>(
                    conn,
                    who,
                    id,
                    "TestSession",
                    "only admins and recruiters release scores",
                )
                .await?;
                let session = store::lock_session(conn, who, id)
                    .await?
                    .ok_or(AppError::NotFound("TestSession"))?;
                if session.completed_at.is_none() && Utc::now() >= session.deadline_at {
                    store::score_session(conn, id).await?;
                }
                store::release_score(conn, who, id).await?.ok_or_else(|| {
                    AppError::bad_input(
                        "testSessionId",
                        "the test session is still running; it has no score yet",
                    )
                })
            })
            .await?;
        Ok(TestSessionPayload {
            test_session: TestSession(released),
        })
    }
}
