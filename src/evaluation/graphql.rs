//! GraphQL for the evaluation: notes on candidacies, interviews and feedback, and their
//! mutations.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{Nullable, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use super::enums::{CandidacyNoteType, HiringRecommendation, InterviewMode, InterviewStatus, InterviewType};
use super::notices::{self, Audience, InterviewNews};
use super::store::{
    self, CandidacyNoteById, CandidacyNoteRow, CandidacyNoteValues, FeedbackOfInterview, FeedbackValues,
    InterviewById, InterviewFeedbackById, InterviewFeedbackRow, InterviewRow, InterviewValues,
    InterviewersOfInterview, InterviewsOfCandidacy, NotesOfCandidacy,
};
use crate::access::Principal;
use crate::db::schema::{candidacies, candidacy_notes, interviews};
use crate::graphql::connection::{Conn, Listing, PageArgs, PageKey};
use crate::graphql::context::{services, viewer};
use crate::graphql::errors::{AppError, AppResult};
use crate::graphql::ids::{NodeType, decode_as};
use crate::graphql::scalars::Url;
use crate::graphql::{DeletePayload, IdInput};
use crate::hiring::graphql::{
    Organization, OrganizationMember, Requisition, authorize, load_organization, set,
};
use crate::hiring::store::{self as hiring, MemberById, RequisitionById};
use crate::payload_edge;
use crate::pipeline::graphql::{Candidacy, CandidacyEvaluation, Candidate};
use crate::pipeline::store::{CandidacyById, CandidateById};
use crate::validate::{self, field, text, url};

#[derive(Clone, Debug)]
pub struct CandidacyNote(pub CandidacyNoteRow);

/// A note on a candidacy by a member of its hiring team (Assist-Ten ApplicationNote). Read by
/// the organisation's admins and recruiters; a private note by its author alone. Never shown to
/// the candidate.
#[Object]
impl CandidacyNote {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::CandidacyNote.id(self.0.id)
    }
    /// The note, 1 to 10,000 characters.
    async fn text(&self) -> &str {
        &self.0.body
    }
    /// What it is about.
    async fn note_type(&self) -> CandidacyNoteType {
        self.0.note_type
    }
    /// Whether only its author reads it.
    async fn is_private(&self) -> bool {
        self.0.is_private
    }
    /// When it was written.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// The member who wrote it; null once they have left the organisation.
    async fn author(&self, ctx: &Context<'_>) -> AppResult<Option<OrganizationMember>> {
        member(ctx, self.0.author_member_id).await
    }
    /// The candidacy it is on.
    async fn candidacy(&self, ctx: &Context<'_>) -> AppResult<Candidacy> {
        load_candidacy(ctx, self.0.candidacy_id)
            .await?
            .ok_or(AppError::NotFound("Candidacy"))
    }
}

async fn member(ctx: &Context<'_>, id: Option<Uuid>) -> AppResult<Option<OrganizationMember>> {
    let Some(id) = id else {
        return Ok(None);
    };
    Ok(viewer(ctx)?
        .loaders
        .one::<MemberById>(id)
        .await?
        .map(OrganizationMember))
}

async fn load_candidacy(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<Candidacy>> {
    Ok(viewer(ctx)?
        .loaders
        .one::<CandidacyById>(id)
        .await?
        .map(Candidacy::from))
}

#[Object]
impl CandidacyEvaluation {
    /// The hiring team's notes on it, oldest first: those the viewer may read (the
    /// organisation's admins and recruiters; private notes only their author). Empty for
    /// everyone else.
    async fn notes(&self, ctx: &Context<'_>) -> AppResult<Vec<CandidacyNote>> {
        let rows = viewer(ctx)?
            .loaders
            .many::<NotesOfCandidacy>(self.candidacy_id)
            .await?;
        Ok(rows.into_iter().map(CandidacyNote).collect())
    }
    /// Its interviews the viewer may see, earliest first (the organisation's admins and
    /// recruiters and the requisition's hiring manager see all).
    async fn interviews(&self, ctx: &Context<'_>) -> AppResult<Vec<Interview>> {
        let rows = viewer(ctx)?
            .loaders
            .many::<InterviewsOfCandidacy>(self.candidacy_id)
            .await?;
        Ok(rows.into_iter().map(Interview).collect())
    }
}

#[derive(Clone, Debug)]
pub struct Interview(pub InterviewRow);

/// An interview of a candidate for a requisition (Assist-Ten InterviewSession). Read by the
/// organisation's admins and recruiters, the requisition's hiring manager and its own
/// interviewers; changed by the admins and recruiters. An interviewer cannot be booked into two
/// overlapping interviews that are not cancelled.
#[Object]
impl Interview {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::Interview.id(self.0.id)
    }
    /// What it assesses.
    async fn interview_type(&self) -> InterviewType {
        self.0.interview_type
    }
    /// How it is held.
    async fn interview_mode(&self) -> InterviewMode {
        self.0.interview_mode
    }
    /// Where it stands; see `InterviewStatus` for the legal moves.
    async fn status(&self) -> InterviewStatus {
        self.0.status
    }
    /// When it is booked to start.
    async fn scheduled_at(&self) -> DateTime<Utc> {
        self.0.scheduled_at
    }
    /// How long it is booked for, in minutes (5 to 480).
    async fn duration_minutes(&self) -> i32 {
        self.0.duration_minutes
    }
    /// The IANA time zone it is arranged in ("Europe/Berlin"), for showing local times.
    async fn time_zone(&self) -> &str {
        &self.0.time_zone
    }
    /// When it actually started (moved to IN_PROGRESS); null before.
    async fn started_at(&self) -> Option<DateTime<Utc>> {
        self.0.started_at
    }
    /// When it actually ended (moved to COMPLETED); null before.
    async fn ended_at(&self) -> Option<DateTime<Utc>> {
        self.0.ended_at
    }
    /// How long it actually took, in whole minutes; null until COMPLETED.
    async fn actual_duration_minutes(&self) -> Option<i32> {
        self.0.actual_duration_minutes
    }
    /// What the interviewers should read or prepare.
    async fn preparation_notes(&self) -> Option<&str> {
        self.0.preparation_notes.as_deref()
    }
    /// The questions to ask, or how to run it.
    async fn question_guide(&self) -> Option<&str> {
        self.0.question_guide.as_deref()
    }
    /// The video call's URL.
    async fn meeting_link(&self) -> Option<&Url> {
        self.0.meeting_link.as_ref()
    }
    /// The room, for an interview on site.
    async fn meeting_room(&self) -> Option<&str> {
        self.0.meeting_room.as_deref()
    }
    /// Notes taken during the meeting.
    async fn meeting_notes(&self) -> Option<&str> {
        self.0.meeting_notes.as_deref()
    }
    /// Why it was cancelled; null unless CANCELLED.
    async fn cancellation_reason(&self) -> Option<&str> {
        self.0.cancellation_reason.as_deref()
    }
    /// Whether the participants have been reminded of it.
    async fn reminder_sent(&self) -> bool {
        self.0.reminder_sent
    }
    /// When it was scheduled.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// The candidate.
    async fn candidate(&self, ctx: &Context<'_>) -> AppResult<Candidate> {
        viewer(ctx)?
            .loaders
            .one::<CandidateById>(self.0.candidate_id)
            .await?
            .map(Candidate)
            .ok_or(AppError::NotFound("Candidate"))
    }
    /// The requisition.
    async fn requisition(&self, ctx: &Context<'_>) -> AppResult<Requisition> {
        viewer(ctx)?
            .loaders
            .one::<RequisitionById>(self.0.requisition_id)
            .await?
            .map(Requisition::from)
            .ok_or(AppError::NotFound("Requisition"))
    }
    /// The candidacy it belongs to; null for a viewer who only interviews (interviewers see
    /// the interview, its candidate and requisition, not the pipeline).
    async fn candidacy(&self, ctx: &Context<'_>) -> AppResult<Option<Candidacy>> {
        load_candidacy(ctx, self.0.candidacy_id).await
    }
    /// The organisation.
    async fn organization(&self, ctx: &Context<'_>) -> AppResult<Organization> {
        load_organization(ctx, self.0.organization_id).await
    }
    /// The lead interviewer; null once they have left the organisation.
    async fn interviewer(&self, ctx: &Context<'_>) -> AppResult<Option<OrganizationMember>> {
        let rows = viewer(ctx)?
            .loaders
            .many::<InterviewersOfInterview>(self.0.id)
            .await?;
        Ok(rows
            .into_iter()
            .find(|row| row.is_lead)
            .map(|row| OrganizationMember(row.member)))
    }
    /// Its interviewers' feedback the viewer may read, oldest first: all of it for the
    /// organisation's admins and recruiters and the requisition's hiring manager; for an
    /// interviewer their own, and the others' final feedback once their own is final.
    async fn feedback(&self, ctx: &Context<'_>) -> AppResult<Vec<InterviewFeedback>> {
        let rows = viewer(ctx)?
            .loaders
            .many::<FeedbackOfInterview>(self.0.id)
            .await?;
        Ok(rows.into_iter().map(InterviewFeedback).collect())
    }
    /// The other interviewers, in the order they were added.
    async fn additional_interviewers(&self, ctx: &Context<'_>) -> AppResult<Vec<OrganizationMember>> {
        let rows = viewer(ctx)?
            .loaders
            .many::<InterviewersOfInterview>(self.0.id)
            .await?;
        Ok(rows
            .into_iter()
            .filter(|row| !row.is_lead)
            .map(|row| OrganizationMember(row.member))
            .collect())
    }
}

#[derive(Clone, Debug)]
pub struct InterviewFeedback(pub InterviewFeedbackRow);

/// One interviewer's evaluation of an interview (Assist-Ten InterviewFeedback): a draft until
/// submitted final, then immutable. Ratings run from 1 (poor) to 5 (excellent). Read by the
/// organisation's admins and recruiters, the requisition's hiring manager and its interviewer;
/// the candidacy's other interviewers read it, once final, only after their own is final.
#[Object]
impl InterviewFeedback {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::InterviewFeedback.id(self.0.id)
    }
    /// The overall rating, 1 to 5; null in a draft that has none yet.
    async fn overall_rating(&self) -> Option<i32> {
        self.0.overall_rating
    }
    /// Whether to hire; null in a draft that has none yet.
    async fn recommendation(&self) -> Option<HiringRecommendation> {
        self.0.recommendation
    }
    /// Technical skills, 1 to 5.
    async fn technical_skills_rating(&self) -> Option<i32> {
        self.0.technical_skills_rating
    }
    /// Communication, 1 to 5.
    async fn communication_rating(&self) -> Option<i32> {
        self.0.communication_rating
    }
    /// Problem solving, 1 to 5.
    async fn problem_solving_rating(&self) -> Option<i32> {
        self.0.problem_solving_rating
    }
    /// Fit with the team's culture, 1 to 5.
    async fn culture_fit_rating(&self) -> Option<i32> {
        self.0.culture_fit_rating
    }
    /// The skills the interviewer assessed, each with a rating.
    async fn skills_evaluated(&self) -> Vec<SkillRating> {
        serde_json::from_value(self.0.skills_evaluated.clone()).unwrap_or_default()
    }
    /// What the candidate does well.
    async fn strengths(&self) -> Option<&str> {
        self.0.strengths.as_deref()
    }
    /// Where the candidate falls short.
    async fn weaknesses(&self) -> Option<&str> {
        self.0.weaknesses.as_deref()
    }
    /// The interviewer's detailed notes.
    async fn detailed_notes(&self) -> Option<&str> {
        self.0.detailed_notes.as_deref()
    }
    /// The questions asked, in order.
    async fn questions_asked(&self) -> Vec<String> {
        crate::graphql::present(&self.0.questions_asked)
    }
    /// Whether the interviewer asks for a second round.
    async fn requires_second_round(&self) -> bool {
        self.0.requires_second_round
    }
    /// What to follow up on.
    async fn follow_up_notes(&self) -> Option<&str> {
        self.0.follow_up_notes.as_deref()
    }
    /// Whether it is submitted and can no longer change.
    async fn is_final(&self) -> bool {
        self.0.is_final
    }
    /// When it was submitted final; null for a draft.
    async fn submitted_at(&self) -> Option<DateTime<Utc>> {
        self.0.submitted_at
    }
    /// When it was first saved.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// The interviewer who gives it; null once they have left the organisation.
    async fn interviewer(&self, ctx: &Context<'_>) -> AppResult<Option<OrganizationMember>> {
        member(ctx, self.0.interviewer_member_id).await
    }
    /// The interview; null for a colleague who reads it from another interview of the same
    /// candidacy and is not on this one.
    async fn interview(&self, ctx: &Context<'_>) -> AppResult<Option<Interview>> {
        interview_by_id(ctx, self.0.interview_id).await
    }
}

/// A skill an interviewer assessed, with a rating.
#[derive(SimpleObject, InputObject, serde::Serialize, serde::Deserialize, Clone, Debug)]
#[graphql(input_name = "SkillRatingInput")]
pub struct SkillRating {
    /// The skill, 1 to 100 characters.
    pub skill: String,
    /// 1 (poor) to 5 (excellent).
    pub rating: i32,
}

/// The interviews a user is on (lead or additional), in every organisation, earliest first.
pub struct InterviewsOfUser;

impl Listing for InterviewsOfUser {
    type Table = interviews::table;
    type Row = InterviewRow;
    type Filter = Option<InterviewStatus>;
    const FROM: &'static str = "interviews t join interview_participants part on part.interview_id = t.id";
    const PARENT: &'static str = "part.user_id";
    const WHERE: &'static str = "and ($7::text is null or t.status = $7)";

    fn order_by(_: &Self::Filter) -> &'static str {
        "t.scheduled_at"
    }

    fn bind<'a>(
        query: BoxedSqlQuery<'a, Pg, SqlQuery>,
        status: &Self::Filter,
    ) -> BoxedSqlQuery<'a, Pg, SqlQuery> {
        query.bind::<Nullable<Text>, _>(status.map(InterviewStatus::as_str))
    }
}

/// `User.interviews`: the interviews the user is on.
pub async fn interviews_of(
    ctx: &Context<'_>,
    user_id: Uuid,
    status: Option<InterviewStatus>,
    args: PageArgs,
) -> AppResult<Conn<Interview>> {
    let key = PageKey {
        parent: user_id,
        args,
        filter: status,
    };
    let page = viewer(ctx)?.loaders.page::<InterviewsOfUser>(key).await?;
    Ok(page.into_connection(|row| row.id, Interview))
}

/// `node(id:)` for the evaluation's types.
pub async fn note_by_id(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<CandidacyNote>> {
    Ok(viewer(ctx)?
        .loaders
        .one::<CandidacyNoteById>(id)
        .await?
        .map(CandidacyNote))
}

pub async fn interview_by_id(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<Interview>> {
    Ok(viewer(ctx)?
        .loaders
        .one::<InterviewById>(id)
        .await?
        .map(Interview))
}

pub async fn feedback_by_id(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<InterviewFeedback>> {
    Ok(viewer(ctx)?
        .loaders
        .one::<InterviewFeedbackById>(id)
        .await?
        .map(InterviewFeedback))
}

/// A note to add to a candidacy.
#[derive(InputObject)]
pub struct AddCandidacyNoteInput {
    /// The candidacy.
    pub candidacy_id: ID,
    /// The note, 1 to 10,000 characters.
    pub text: String,
    /// What it is about; GENERAL when absent.
    pub note_type: Option<CandidacyNoteType>,
    /// Whether only its author may read it; false when absent.
    #[graphql(default)]
    pub is_private: bool,
}

/// Changes to a note: absent fields stay.
#[derive(InputObject)]
pub struct UpdateCandidacyNoteInput {
    /// The note.
    pub id: ID,
    /// The new text, 1 to 10,000 characters.
    pub text: Option<String>,
    /// What it is about.
    pub note_type: Option<CandidacyNoteType>,
    /// Whether only its author may read it.
    pub is_private: Option<bool>,
}

/// What note mutations answer.
#[derive(SimpleObject)]
pub struct CandidacyNotePayload {
    /// The note as it now is.
    pub note: CandidacyNote,
}

fn note_text(value: String) -> AppResult<String> {
    text("text", 10_000)(value)
}

/// An interview to book.
#[derive(InputObject)]
pub struct ScheduleInterviewInput {
    /// The candidacy (not HIRED, REJECTED or WITHDRAWN).
    pub candidacy_id: ID,
    /// What it assesses.
    pub interview_type: InterviewType,
    /// How it is held.
    pub interview_mode: InterviewMode,
    /// When it starts.
    pub scheduled_at: DateTime<Utc>,
    /// How long it is booked for, 5 to 480 minutes.
    pub duration_minutes: i32,
    /// An IANA time zone name ("Europe/Berlin").
    pub time_zone: String,
    /// The lead interviewer: a member of the candidacy's organisation, free at that time
    /// (`CONFLICT` otherwise).
    pub interviewer_id: ID,
    /// Other interviewers, members of the same organisation and free at that time.
    #[graphql(default)]
    pub additional_interviewer_ids: Vec<ID>,
    /// Up to 10,000 characters.
    pub preparation_notes: Option<String>,
    /// Up to 10,000 characters.
    pub question_guide: Option<String>,
    /// An http(s) URL.
    pub meeting_link: Option<Url>,
    /// Up to 200 characters.
    pub meeting_room: Option<String>,
}

/// Changes to an interview: absent fields stay, null clears. The time, length and
/// interviewers change only while it is SCHEDULED.
#[derive(InputObject)]
pub struct UpdateInterviewInput {
    /// The interview.
    pub id: ID,
    /// What it assesses.
    pub interview_type: Option<InterviewType>,
    /// How it is held.
    pub interview_mode: Option<InterviewMode>,
    /// When it starts.
    pub scheduled_at: Option<DateTime<Utc>>,
    /// 5 to 480 minutes.
    pub duration_minutes: Option<i32>,
    /// An IANA time zone name.
    pub time_zone: Option<String>,
    /// The lead interviewer (a member of the organisation, free at that time).
    pub interviewer_id: Option<ID>,
    /// The other interviewers, replacing the current ones.
    pub additional_interviewer_ids: Option<Vec<ID>>,
    /// Up to 10,000 characters.
    pub preparation_notes: MaybeUndefined<String>,
    /// Up to 10,000 characters.
    pub question_guide: MaybeUndefined<String>,
    /// An http(s) URL.
    pub meeting_link: MaybeUndefined<Url>,
    /// Up to 200 characters.
    pub meeting_room: MaybeUndefined<String>,
    /// Up to 10,000 characters.
    pub meeting_notes: MaybeUndefined<String>,
    /// Whether the participants have been reminded.
    pub reminder_sent: Option<bool>,
}

/// An interview and the status to move it to.
#[derive(InputObject)]
pub struct MoveInterviewInput {
    /// The interview.
    pub id: ID,
    /// Where it goes; see `InterviewStatus` for the legal moves (CANCELLED goes through
    /// `cancelInterview`).
    pub status: InterviewStatus,
}

/// An interview to call off, and why.
#[derive(InputObject)]
pub struct CancelInterviewInput {
    /// The interview (SCHEDULED or IN_PROGRESS).
    pub id: ID,
    /// Why, 1 to 2,000 characters.
    pub reason: String,
}

/// What interview mutations answer.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct InterviewPayload {
    /// The interview as it now is.
    pub interview: Interview,
}

payload_edge!(InterviewPayload.interview_edge: Interview = interview, id interview.0.id);

/// An interviewer's feedback on an interview: every field as it should now be (absent means
/// none), replacing their draft.
#[derive(InputObject)]
pub struct SubmitInterviewFeedbackInput {
    /// The interview (not CANCELLED or NO_SHOW) the viewer is an interviewer on.
    pub interview_id: ID,
    /// 1 to 5; required when final.
    pub overall_rating: Option<i32>,
    /// Whether to hire; required when final.
    pub recommendation: Option<HiringRecommendation>,
    /// 1 to 5.
    pub technical_skills_rating: Option<i32>,
    /// 1 to 5.
    pub communication_rating: Option<i32>,
    /// 1 to 5.
    pub problem_solving_rating: Option<i32>,
    /// 1 to 5.
    pub culture_fit_rating: Option<i32>,
    /// Up to 50 skills, each rated 1 to 5.
    #[graphql(default)]
    pub skills_evaluated: Vec<SkillRating>,
    /// Up to 10,000 characters.
    pub strengths: Option<String>,
    /// Up to 10,000 characters.
    pub weaknesses: Option<String>,
    /// Up to 10,000 characters.
    pub detailed_notes: Option<String>,
    /// Up to 100 questions of up to 1,000 characters.
    #[graphql(default)]
    pub questions_asked: Vec<String>,
    /// Whether to ask for a second round.
    #[graphql(default)]
    pub requires_second_round: bool,
    /// Up to 10,000 characters.
    pub follow_up_notes: Option<String>,
    /// Submit it for good: it can no longer change, and the interviewer may now read the
    /// candidacy's other final feedback.
    #[graphql(default)]
    pub is_final: bool,
}

/// What `submitInterviewFeedback` answers.
#[derive(SimpleObject)]
pub struct InterviewFeedbackPayload {
    /// The feedback as it now is.
    pub feedback: InterviewFeedback,
}

fn rating(name: &'static str) -> impl Fn(i32) -> AppResult<i32> {
    move |value| validate::int_in(name, value, 1..=5)
}

/// The values of a submission, checked as a whole.
fn feedback_values(input: &SubmitInterviewFeedbackInput) -> AppResult<FeedbackValues> {
    if input.skills_evaluated.len() > 50 {
        return Err(AppError::bad_input("skillsEvaluated", "at most 50 skills"));
    }
    let mut skills = Vec::with_capacity(input.skills_evaluated.len());
    for skill in &input.skills_evaluated {
        skills.push(SkillRating {
            skill: validate::text_of("skillsEvaluated", &skill.skill, 100)?,
            rating: rating("skillsEvaluated")(skill.rating)?,
        });
    }
    let values = FeedbackValues {
        overall_rating: input.overall_rating.map(rating("overallRating")).transpose()?,
        recommendation: input.recommendation,
        technical_skills_rating: input
            .technical_skills_rating
            .map(rating("technicalSkillsRating"))
            .transpose()?,
        communication_rating: input
            .communication_rating
            .map(rating("communicationRating"))
            .transpose()?,
        problem_solving_rating: input
            .problem_solving_rating
            .map(rating("problemSolvingRating"))
            .transpose()?,
        culture_fit_rating: input
            .culture_fit_rating
            .map(rating("cultureFitRating"))
            .transpose()?,
        skills_evaluated: serde_json::to_value(skills).map_err(AppError::internal)?,
        strengths: input.strengths.clone().map(long_text("strengths")).transpose()?,
        weaknesses: input
            .weaknesses
            .clone()
            .map(long_text("weaknesses"))
            .transpose()?,
        detailed_notes: input
            .detailed_notes
            .clone()
            .map(long_text("detailedNotes"))
            .transpose()?,
        questions_asked: validate::labels("questionsAsked", &input.questions_asked, 100, 1_000)?,
        requires_second_round: input.requires_second_round,
        follow_up_notes: input
            .follow_up_notes
            .clone()
            .map(long_text("followUpNotes"))
            .transpose()?,
        is_final: input.is_final,
        submitted_at: input.is_final.then(Utc::now),
    };
    if values.is_final {
        if values.overall_rating.is_none() {
            return Err(AppError::bad_input(
                "overallRating",
                "final feedback needs an overall rating",
            ));
        }
        if values.recommendation.is_none() {
            return Err(AppError::bad_input(
                "recommendation",
                "final feedback needs a recommendation",
            ));
        }
    }
    Ok(values)
}

fn long_text(name: &'static str) -> impl Fn(String) -> AppResult<String> {
    text(name, 10_000)
}

fn duration(value: i32) -> AppResult<i32> {
    validate::int_in("durationMinutes", value, 5..=480)
}

async fn time_zone(conn: &mut AsyncPgConnection, value: &str) -> AppResult<String> {
    let name = value.trim();
    if store::known_time_zone(conn, name).await? {
        Ok(name.to_owned())
    } else {
        Err(AppError::bad_input(
            "timeZone",
            format!("`{value}` is not an IANA time zone name such as Europe/Berlin"),
        ))
    }
}

/// The user ids of the members `ids` names (argument `field`), each a member of
/// `organization_id` the principal sees.
async fn interviewer_users(
    conn: &mut AsyncPgConnection,
    who: Principal,
    organization_id: Uuid,
    ids: &[ID],
    field: &'static str,
) -> AppResult<Vec<Uuid>> {
    let mut users = Vec::with_capacity(ids.len());
    for id in ids {
        let member_id = decode_as(id, NodeType::OrganizationMember, field)?;
        match hiring::one::<MemberById>(conn, who, member_id).await? {
            Some(member) if member.organization_id == organization_id => users.push(member.user_id),
            _ => {
                return Err(AppError::bad_input(
                    field,
                    "interviewers must be members of the candidacy's organisation",
                ));
            }
        }
    }
    Ok(users)
}

async fn lead_interviewer(
    conn: &mut AsyncPgConnection,
    who: Principal,
    organization_id: Uuid,
    id: &ID,
) -> AppResult<Uuid> {
    interviewer_users(
        conn,
        who,
        organization_id,
        std::slice::from_ref(id),
        "interviewerId",
    )
    .await?
    .into_iter()
    .next()
    .ok_or_else(|| AppError::bad_input("interviewerId", "name the lead interviewer"))
}

/// An interview the principal may change, locked: `NOT_FOUND` when they cannot see it,
/// `FORBIDDEN` when they see it without the role to change it.
async fn interview_to_change(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
) -> AppResult<InterviewRow> {
    authorize::<interviews::table>(
        conn,
        who,
        id,
        "Interview",
        "only admins and recruiters change interviews",
    )
    .await?;
    store::lock_interview(conn, who, id)
        .await?
        .ok_or(AppError::NotFound("Interview"))
}

fn illegal_move(from: InterviewStatus, to: InterviewStatus) -> AppError {
    AppError::bad_input(
        "status",
        format!(
            "an interview that is {} cannot become {}",
            from.as_str().to_uppercase(),
            to.as_str().to_uppercase()
        ),
    )
}

#[derive(Default)]
pub struct EvaluationMutation;

#[Object]
impl EvaluationMutation {
    /// Adds a note to a candidacy, written by the viewer (the organisation's admins and
    /// recruiters; `FORBIDDEN` for a hiring manager who only reads the candidacy).
    async fn add_candidacy_note(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The candidacy and the note.")] input: AddCandidacyNoteInput,
    ) -> AppResult<CandidacyNotePayload> {
        let who = viewer(ctx)?.principal();
        let candidacy_id = decode_as(&input.candidacy_id, NodeType::Candidacy, "candidacyId")?;
        let values = CandidacyNoteValues {
            body: note_text(input.text)?,
            note_type: input.note_type.unwrap_or(CandidacyNoteType::General),
            is_private: input.is_private,
        };
        let mut conn = services(ctx).pool.get().await?;
        let note = conn
            .transaction::<_, AppError, _>(async |conn| {
                authorize::<candidacies::table>(
                    conn,
                    who,
                    candidacy_id,
                    "Candidacy",
                    "only admins and recruiters write notes",
                )
                .await?;
                let candidacy = hiring::one::<CandidacyById>(conn, who, candidacy_id)
                    .await?
                    .ok_or(AppError::NotFound("Candidacy"))?;
                let author = hiring::member_of(conn, who, candidacy.organization_id, who.user_id)
                    .await?
                    .ok_or(AppError::Forbidden("only admins and recruiters write notes"))?;
                Ok(store::insert_note(conn, &candidacy, author.id, &values).await?)
            })
            .await?;
        Ok(CandidacyNotePayload {
            note: CandidacyNote(note),
        })
    }

    /// Changes a note (its author only: `FORBIDDEN` for other admins and recruiters).
    async fn update_candidacy_note(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The note and the changes; every field is checked before anything is written.")]
        input: UpdateCandidacyNoteInput,
    ) -> AppResult<CandidacyNotePayload> {
        let who = viewer(ctx)?.principal();
        let id = decode_as(&input.id, NodeType::CandidacyNote, "id")?;
        let body = input.text.map(note_text).transpose()?;
        let mut conn = services(ctx).pool.get().await?;
        let note = conn
            .transaction::<_, AppError, _>(async |conn| {
                authorize::<candidacy_notes::table>(
                    conn,
                    who,
                    id,
                    "CandidacyNote",
                    "only its author changes a note",
                )
                .await?;
                let current = store::lock_note(conn, who, id)
                    .await?
                    .ok_or(AppError::NotFound("CandidacyNote"))?;
                let mut values = CandidacyNoteValues::from(&current);
                if let Some(body) = body {
                    values.body = body;
                }
                if let Some(note_type) = input.note_type {
                    values.note_type = note_type;
                }
                if let Some(is_private) = input.is_private {
                    values.is_private = is_private;
                }
                store::update_note(conn, who, id, &values)
                    .await?
                    .ok_or(AppError::NotFound("CandidacyNote"))
            })
            .await?;
        Ok(CandidacyNotePayload {
            note: CandidacyNote(note),
        })
    }

    /// Deletes a note (its author only: `FORBIDDEN` for other admins and recruiters).
    async fn delete_candidacy_note(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The note.")] input: IdInput,
    ) -> AppResult<DeletePayload> {
        let who = viewer(ctx)?.principal();
        let id = decode_as(&input.id, NodeType::CandidacyNote, "id")?;
        let mut conn = services(ctx).pool.get().await?;
        conn.transaction::<_, AppError, _>(async |conn| {
            authorize::<candidacy_notes::table>(
                conn,
                who,
                id,
                "CandidacyNote",
                "only its author deletes a note",
            )
            .await?;
            if !store::delete_note(conn, who, id).await? {
                return Err(AppError::NotFound("CandidacyNote"));
            }
            Ok(())
        })
        .await?;
        Ok(DeletePayload { deleted_id: input.id })
    }

    /// Books an interview for a candidacy (the organisation's admins and recruiters).
    /// `CONFLICT` when an interviewer is already booked for another interview, not cancelled,
    /// that overlaps it. Its interviewers and the candidate (when a careergraph user) are
    /// notified.
    async fn schedule_interview(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The interview; every field is checked before anything is written.")]
        input: ScheduleInterviewInput,
    ) -> AppResult<InterviewPayload> {
        let who = viewer(ctx)?.principal();
        let candidacy_id = decode_as(&input.candidacy_id, NodeType::Candidacy, "candidacyId")?;
        let duration_minutes = duration(input.duration_minutes)?;
        let preparation_notes = input
            .preparation_notes
            .map(long_text("preparationNotes"))
            .transpose()?;
        let question_guide = input.question_guide.map(long_text("questionGuide")).transpose()?;
        let meeting_link = input.meeting_link.map(url("meetingLink", &[])).transpose()?;
        let meeting_room = input.meeting_room.map(text("meetingRoom", 200)).transpose()?;
        let mut conn = services(ctx).pool.get().await?;
        let interview = conn
            .transaction::<_, AppError, _>(async |conn| {
                authorize::<candidacies::table>(
                    conn,
                    who,
                    candidacy_id,
                    "Candidacy",
                    "only admins and recruiters schedule interviews",
                )
                .await?;
                let candidacy = hiring::one::<CandidacyById>(conn, who, candidacy_id)
                    .await?
                    .ok_or(AppError::NotFound("Candidacy"))?;
                if candidacy.stage.is_final() {
                    return Err(AppError::bad_input(
                        "candidacyId",
                        format!(
                            "the candidacy is {}: it has no more interviews",
                            candidacy.stage.as_str().to_uppercase()
                        ),
                    ));
                }
                let values = InterviewValues {
                    interview_type: input.interview_type,
                    interview_mode: input.interview_mode,
                    scheduled_at: input.scheduled_at,
                    duration_minutes,
                    time_zone: time_zone(conn, &input.time_zone).await?,
                    preparation_notes,
                    question_guide,
                    meeting_link,
                    meeting_room,
                    meeting_notes: None,
                    reminder_sent: false,
                };
                let org = candidacy.organization_id;
                let lead = lead_interviewer(conn, who, org, &input.interviewer_id).await?;
                let others = interviewer_users(
                    conn,
                    who,
                    org,
                    &input.additional_interviewer_ids,
                    "additionalInterviewerIds",
                )
                .await?;
                let interview = store::insert_interview(conn, who, &candidacy, &values).await?;
                store::set_interviewers(conn, &interview, lead, &others).await?;
                notices::interview(
                    conn,
                    who,
                    &interview,
                    InterviewNews::Scheduled,
                    Audience::Everyone,
                )
                .await?;
                Ok(interview)
            })
            .await?;
        Ok(InterviewPayload {
            interview: Interview(interview),
        })
    }

    /// Changes an interview (the organisation's admins and recruiters). Moving it in time or
    /// changing its interviewers needs it SCHEDULED (`BAD_USER_INPUT` otherwise) and is
    /// `CONFLICT` when an interviewer is booked elsewhere then. A move in time or length is
    /// notified to its interviewers and candidate; an interviewer added or taken off is told.
    async fn update_interview(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes; every field is checked before anything is written.")]
        input: UpdateInterviewInput,
    ) -> AppResult<InterviewPayload> {
        let who = viewer(ctx)?.principal();
        let id = decode_as(&input.id, NodeType::Interview, "id")?;
        let duration_minutes = input.duration_minutes.map(duration).transpose()?;
        let preparation_notes = field(input.preparation_notes, long_text("preparationNotes"))?;
        let question_guide = field(input.question_guide, long_text("questionGuide"))?;
        let meeting_link = field(input.meeting_link, url("meetingLink", &[]))?;
        let meeting_room = field(input.meeting_room, text("meetingRoom", 200))?;
        let meeting_notes = field(input.meeting_notes, long_text("meetingNotes"))?;
        let mut conn = services(ctx).pool.get().await?;
        let interview = conn
            .transaction::<_, AppError, _>(async |conn| {
                let current = interview_to_change(conn, who, id).await?;
                let reschedules = input.scheduled_at.is_some()
                    || duration_minutes.is_some()
                    || input.interviewer_id.is_some()
                    || input.additional_interviewer_ids.is_some();
                if reschedules && current.status != InterviewStatus::Scheduled {
                    return Err(AppError::bad_input(
                        "scheduledAt",
                        format!(
                            "an interview that is {} keeps its time and interviewers",
                            current.status.as_str().to_uppercase()
                        ),
                    ));
                }
                let mut values = InterviewValues::from(&current);
                if let Some(interview_type) = input.interview_type {
                    values.interview_type = interview_type;
                }
                if let Some(interview_mode) = input.interview_mode {
                    values.interview_mode = interview_mode;
                }
                if let Some(scheduled_at) = input.scheduled_at {
                    values.scheduled_at = scheduled_at;
                }
                if let Some(minutes) = duration_minutes {
                    values.duration_minutes = minutes;
                }
                if let Some(zone) = &input.time_zone {
                    values.time_zone = time_zone(conn, zone).await?;
                }
                if let Some(reminded) = input.reminder_sent {
                    values.reminder_sent = reminded;
                }
                set(&mut values.preparation_notes, preparation_notes);
                set(&mut values.question_guide, question_guide);
                set(&mut values.meeting_link, meeting_link);
                set(&mut values.meeting_room, meeting_room);
                set(&mut values.meeting_notes, meeting_notes);
                let mut added = Vec::new();
                let mut released = Vec::new();
                if input.interviewer_id.is_some() || input.additional_interviewer_ids.is_some() {
                    let org = current.organization_id;
                    let current_users = store::interviewers_of(conn, id).await?;
                    let lead = match &input.interviewer_id {
                        Some(lead) => Some(lead_interviewer(conn, who, org, lead).await?),
                        None => current_users.first().copied(),
                    };
                    let others = match &input.additional_interviewer_ids {
                        Some(ids) => {
                            interviewer_users(conn, who, org, ids, "additionalInterviewerIds").await?
                        }
                        None => current_users.iter().skip(1).copied().collect(),
                    };
                    let lead = lead.ok_or_else(|| {
                        AppError::bad_input(
                            "interviewerId",
                            "the interview has no lead interviewer: name one",
                        )
                    })?;
                    store::set_interviewers(conn, &current, lead, &others).await?;
                    let now_on: Vec<Uuid> = std::iter::once(lead).chain(others).collect();
                    added = now_on
                        .iter()
                        .filter(|user| !current_users.contains(user))
                        .copied()
                        .collect();
                    released = current_users
                        .into_iter()
                        .filter(|user| !now_on.contains(user))
                        .collect();
                }
                let interview = store::update_interview(conn, who, id, &values)
                    .await?
                    .ok_or(AppError::NotFound("Interview"))?;
                if !released.is_empty() {
                    let audience = Audience::Interviewers(released);
                    notices::interview(conn, who, &interview, InterviewNews::Released, audience).await?;
                }
                if !added.is_empty() {
                    let audience = Audience::Interviewers(added.clone());
                    notices::interview(conn, who, &interview, InterviewNews::Scheduled, audience).await?;
                }
                let moved = interview.scheduled_at != current.scheduled_at
                    || interview.duration_minutes != current.duration_minutes;
                if moved {
                    // Those just added heard of it above, at its new time.
                    let stayed = store::interviewers_of(conn, id)
                        .await?
                        .into_iter()
                        .filter(|user| !added.contains(user))
                        .collect();
                    let news = InterviewNews::Rescheduled {
                        was: current.scheduled_at,
                    };
                    let audience = Audience::InterviewersAndCandidate(stayed);
                    notices::interview(conn, who, &interview, news, audience).await?;
                }
                Ok(interview)
            })
            .await?;
        Ok(InterviewPayload {
            interview: Interview(interview),
        })
    }

    /// Moves an interview to another status (the organisation's admins and recruiters):
    /// IN_PROGRESS records when it started, COMPLETED when it ended and how long it took. An
    /// illegal move (see `InterviewStatus`) is `BAD_USER_INPUT` and changes nothing.
    async fn move_interview(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The interview and where it goes.")] input: MoveInterviewInput,
    ) -> AppResult<InterviewPayload> {
        let who = viewer(ctx)?.principal();
        let id = decode_as(&input.id, NodeType::Interview, "id")?;
        let mut conn = services(ctx).pool.get().await?;
        let interview = conn
            .transaction::<_, AppError, _>(async |conn| {
                let current = interview_to_change(conn, who, id).await?;
                if input.status == InterviewStatus::Cancelled {
                    return Err(AppError::bad_input(
                        "status",
                        "cancel with cancelInterview, which records why",
                    ));
                }
                if !current.status.may_become(input.status) {
                    return Err(illegal_move(current.status, input.status));
                }
                store::move_interview(conn, who, id, input.status, None)
                    .await?
                    .ok_or(AppError::NotFound("Interview"))
            })
            .await?;
        Ok(InterviewPayload {
            interview: Interview(interview),
        })
    }

    /// Saves the viewer's feedback on an interview they are on: creates it, or replaces their
    /// draft; `isFinal: true` submits it for good. `FORBIDDEN` for members who see the
    /// interview but are not on it; `CONFLICT` once the feedback is final; `BAD_USER_INPUT`
    /// for a CANCELLED or NO_SHOW interview. Submitting final feedback notifies the
    /// requisition's hiring manager.
    async fn submit_interview_feedback(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The interview and the feedback; every field is checked before anything is written."
        )]
        input: SubmitInterviewFeedbackInput,
    ) -> AppResult<InterviewFeedbackPayload> {
        let who = viewer(ctx)?.principal();
        let interview_id = decode_as(&input.interview_id, NodeType::Interview, "interviewId")?;
        let values = feedback_values(&input)?;
        let mut conn = services(ctx).pool.get().await?;
        let feedback = conn
            .transaction::<_, AppError, _>(async |conn| {
                let interview = store::lock_interview(conn, who, interview_id)
                    .await?
                    .ok_or(AppError::NotFound("Interview"))?;
                let refusal = "only the interview's interviewers give feedback on it";
                if !store::interviewers_of(conn, interview.id)
                    .await?
                    .contains(&who.user_id)
                {
                    return Err(AppError::Forbidden(refusal));
                }
                let me = hiring::member_of(conn, who, interview.organization_id, who.user_id)
                    .await?
                    .ok_or(AppError::Forbidden(refusal))?;
                if matches!(
                    interview.status,
                    InterviewStatus::Cancelled | InterviewStatus::NoShow
                ) {
                    return Err(AppError::bad_input(
                        "interviewId",
                        format!(
                            "the interview is {}: there is nothing to give feedback on",
                            interview.status.as_str().to_uppercase()
                        ),
                    ));
                }
                if store::lock_feedback(conn, interview.id, me.id)
                    .await?
                    .is_some_and(|current| current.is_final)
                {
                    return Err(AppError::Conflict(
                        "the feedback is final and can no longer change".to_owned(),
                    ));
                }
                let feedback = store::save_feedback(conn, &interview, me.id, &values).await?;
                if feedback.is_final {
                    notices::feedback_submitted(conn, who, &interview, &feedback).await?;
                }
                Ok(feedback)
            })
            .await?;
        Ok(InterviewFeedbackPayload {
            feedback: InterviewFeedback(feedback),
        })
    }

    /// Calls off a SCHEDULED or IN_PROGRESS interview (the organisation's admins and
    /// recruiters), recording why; its interviewers' time is free again. Its interviewers and
    /// the candidate (when a careergraph user) are notified.
    async fn cancel_interview(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The interview and the reason.")] input: CancelInterviewInput,
    ) -> AppResult<InterviewPayload> {
        let who = viewer(ctx)?.principal();
        let id = decode_as(&input.id, NodeType::Interview, "id")?;
        let reason = validate::text_of("reason", &input.reason, 2_000)?;
        let mut conn = services(ctx).pool.get().await?;
        let interview = conn
            .transaction::<_, AppError, _>(async |conn| {
                let current = interview_to_change(conn, who, id).await?;
                if !current.status.may_become(InterviewStatus::Cancelled) {
                    return Err(illegal_move(current.status, InterviewStatus::Cancelled));
                }
                let cancelled =
                    store::move_interview(conn, who, id, InterviewStatus::Cancelled, Some(&reason))
                        .await?
                        .ok_or(AppError::NotFound("Interview"))?;
                notices::interview(
                    conn,
                    who,
                    &cancelled,
                    InterviewNews::Cancelled(&reason),
                    Audience::Everyone,
                )
                .await?;
                Ok(cancelled)
            })
            .await?;
        Ok(InterviewPayload {
            interview: Interview(interview),
        })
    }
}
