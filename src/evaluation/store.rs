//! Rows and SQL of the evaluation: notes on candidacies, interviews with their interviewers,
//! and feedback. What a principal sees and changes is the access policy's (src/access).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, Bool, Text, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::enums::{CandidacyNoteType, HiringRecommendation, InterviewMode, InterviewStatus, InterviewType};
use crate::access::{Guarded, Principal};
use crate::db::schema::{
    candidacy_notes, interview_feedback, interview_participants, interviews, organization_members,
};
use crate::graphql::loaders::Relation;
use crate::graphql::scalars::Url;
use crate::guarded_relation;
use crate::hiring::store::MemberRow;
use crate::pipeline::store::CandidacyRow;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = candidacy_notes)]
pub struct CandidacyNoteRow {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub candidacy_id: Uuid,
    pub author_member_id: Option<Uuid>,
    pub body: String,
    pub note_type: CandidacyNoteType,
    pub is_private: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The columns of a note its author writes.
#[derive(Clone, Debug, Insertable, AsChangeset)]
#[diesel(table_name = candidacy_notes)]
pub struct CandidacyNoteValues {
    pub body: String,
    pub note_type: CandidacyNoteType,
    pub is_private: bool,
}

impl From<&CandidacyNoteRow> for CandidacyNoteValues {
    fn from(row: &CandidacyNoteRow) -> Self {
        Self {
            body: row.body.clone(),
            note_type: row.note_type,
            is_private: row.is_private,
        }
    }
}

guarded_relation!(CandidacyNoteById: candidacy_notes.id => CandidacyNoteRow);
guarded_relation!(
    /// Each candidacy's notes, oldest first.
    NotesOfCandidacy: candidacy_notes.candidacy_id => CandidacyNoteRow,
    order by (candidacy_notes::created_at, candidacy_notes::id)
);

pub async fn insert_note(
    conn: &mut AsyncPgConnection,
    candidacy: &CandidacyRow,
    author_member_id: Uuid,
    values: &CandidacyNoteValues,
) -> QueryResult<CandidacyNoteRow> {
    diesel::insert_into(candidacy_notes::table)
        .values((
            candidacy_notes::id.eq(Uuid::now_v7()),
            candidacy_notes::organization_id.eq(candidacy.organization_id),
            candidacy_notes::candidacy_id.eq(candidacy.id),
            candidacy_notes::author_member_id.eq(author_member_id),
            values,
        ))
        .returning(CandidacyNoteRow::as_returning())
        .get_result(conn)
        .await
}

/// The note, locked for the rest of the transaction, if `who` may change it.
pub async fn lock_note(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
) -> QueryResult<Option<CandidacyNoteRow>> {
    candidacy_notes::table
        .filter(candidacy_notes::id.eq(id))
        .filter(candidacy_notes::table::writable(who))
        .select(CandidacyNoteRow::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

pub async fn update_note(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
    values: &CandidacyNoteValues,
) -> QueryResult<Option<CandidacyNoteRow>> {
    diesel::update(candidacy_notes::table)
        .filter(candidacy_notes::id.eq(id))
        .filter(candidacy_notes::table::writable(who))
        .set(values)
        .returning(CandidacyNoteRow::as_returning())
        .get_result(conn)
        .await
        .optional()
}

pub async fn delete_note(conn: &mut AsyncPgConnection, who: Principal, id: Uuid) -> QueryResult<bool> {
    diesel::delete(candidacy_notes::table)
        .filter(candidacy_notes::id.eq(id))
        .filter(candidacy_notes::table::writable(who))
        .execute(conn)
        .await
        .map(|deleted| deleted > 0)
}

#[derive(Clone, Debug, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = interviews)]
pub struct InterviewRow {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub candidacy_id: Uuid,
    pub candidate_id: Uuid,
    pub requisition_id: Uuid,
    pub interview_type: InterviewType,
    pub interview_mode: InterviewMode,
    pub scheduled_at: DateTime<Utc>,
    pub duration_minutes: i32,
    pub time_zone: String,
    pub status: InterviewStatus,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub actual_duration_minutes: Option<i32>,
    pub preparation_notes: Option<String>,
    pub question_guide: Option<String>,
    pub meeting_link: Option<Url>,
    pub meeting_room: Option<String>,
    pub meeting_notes: Option<String>,
    pub cancellation_reason: Option<String>,
    pub reminder_sent: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The columns of an interview its hiring team writes.
#[derive(Clone, Debug, Insertable, AsChangeset)]
#[diesel(table_name = interviews, treat_none_as_null = true)]
pub struct InterviewValues {
    pub interview_type: InterviewType,
    pub interview_mode: InterviewMode,
    pub scheduled_at: DateTime<Utc>,
    pub duration_minutes: i32,
    pub time_zone: String,
    pub preparation_notes: Option<String>,
    pub question_guide: Option<String>,
    pub meeting_link: Option<Url>,
    pub meeting_room: Option<String>,
    pub meeting_notes: Option<String>,
    pub reminder_sent: bool,
}

impl From<&InterviewRow> for InterviewValues {
    fn from(row: &InterviewRow) -> Self {
        Self {
            interview_type: row.interview_type,
            interview_mode: row.interview_mode,
            scheduled_at: row.scheduled_at,
            duration_minutes: row.duration_minutes,
            time_zone: row.time_zone.clone(),
            preparation_notes: row.preparation_notes.clone(),
            question_guide: row.question_guide.clone(),
            meeting_link: row.meeting_link.clone(),
            meeting_room: row.meeting_room.clone(),
            meeting_notes: row.meeting_notes.clone(),
            reminder_sent: row.reminder_sent,
        }
    }
}

guarded_relation!(InterviewById: interviews.id => InterviewRow);
guarded_relation!(
    /// Each candidacy's interviews, earliest first.
    InterviewsOfCandidacy: interviews.candidacy_id => InterviewRow,
    order by (interviews::scheduled_at, interviews::id)
);

/// One interviewer of an interview, as the member they are in its organisation.
#[derive(Clone, Debug, QueryableByName)]
pub struct InterviewerRow {
    #[diesel(sql_type = SqlUuid)]
    pub interview_id: Uuid,
    #[diesel(sql_type = Bool)]
    pub is_lead: bool,
    #[diesel(embed)]
    pub member: MemberRow,
}

/// Each interview's interviewers, the lead first.
pub struct InterviewersOfInterview;

impl Relation for InterviewersOfInterview {
    type Row = InterviewerRow;

    async fn fetch(
        conn: &mut AsyncPgConnection,
        who: Principal,
        keys: &[Uuid],
    ) -> QueryResult<Vec<InterviewerRow>> {
        diesel::sql_query(format!(
            // Not `p`: the policy's rules name their principal `p.me`.
            "select part.interview_id, part.is_lead, t.*
             from interview_participants part
             join organization_members t on t.organization_id = part.organization_id and t.user_id = part.user_id
             where part.interview_id = any($2) and {participants} and {members}
             order by part.interview_id, part.is_lead desc, part.created_at, part.id",
            participants = interview_participants::table::readable_sql("part", 1),
            members = organization_members::table::readable_sql("t", 1),
        ))
        .bind::<SqlUuid, _>(who.user_id)
        .bind::<Array<SqlUuid>, _>(keys)
        .load(conn)
        .await
    }

    fn key(row: &InterviewerRow) -> Uuid {
        row.interview_id
    }
}

/// Whether PostgreSQL knows `name` as a time zone (an IANA name such as "Europe/Berlin").
pub async fn known_time_zone(conn: &mut AsyncPgConnection, name: &str) -> QueryResult<bool> {
    #[derive(QueryableByName)]
    struct Known {
        #[diesel(sql_type = Bool)]
        known: bool,
    }
    let found: Known =
        diesel::sql_query("select exists (select 1 from pg_timezone_names where name = $1) as known")
            .bind::<Text, _>(name)
            .get_result(conn)
            .await?;
    Ok(found.known)
}

pub async fn insert_interview(
    conn: &mut AsyncPgConnection,
    who: Principal,
    candidacy: &CandidacyRow,
    values: &InterviewValues,
) -> QueryResult<InterviewRow> {
    diesel::insert_into(interviews::table)
        .values((
            interviews::id.eq(Uuid::now_v7()),
            interviews::organization_id.eq(candidacy.organization_id),
            interviews::candidacy_id.eq(candidacy.id),
            interviews::candidate_id.eq(candidacy.candidate_id),
            interviews::requisition_id.eq(candidacy.requisition_id),
            interviews::scheduled_by.eq(who.user_id),
            values,
        ))
        .returning(InterviewRow::as_returning())
        .get_result(conn)
        .await
}

/// Makes `lead` and `others` (user ids, members of the interview's organisation) its
/// interviewers. The exclusion constraint refuses anyone already booked at that time.
pub async fn set_interviewers(
    conn: &mut AsyncPgConnection,
    interview: &InterviewRow,
    lead: Uuid,
    others: &[Uuid],
) -> QueryResult<()> {
    diesel::delete(
        interview_participants::table.filter(interview_participants::interview_id.eq(interview.id)),
    )
    .execute(conn)
    .await?;
    let mut users = vec![lead];
    for user in others {
        if !users.contains(user) {
            users.push(*user);
        }
    }
    // No `on conflict do nothing`: it would also swallow the exclusion constraint's refusal.
    let rows: Vec<_> = users
        .into_iter()
        .map(|user_id| {
            let is_lead = user_id == lead;
            (
                interview_participants::id.eq(Uuid::now_v7()),
                interview_participants::organization_id.eq(interview.organization_id),
                interview_participants::interview_id.eq(interview.id),
                interview_participants::user_id.eq(user_id),
                interview_participants::is_lead.eq(is_lead),
            )
        })
        .collect();
    diesel::insert_into(interview_participants::table)
        .values(rows)
        .execute(conn)
        .await
        .map(drop)
}

/// The user ids of an interview's interviewers, the lead first.
pub async fn interviewers_of(conn: &mut AsyncPgConnection, interview_id: Uuid) -> QueryResult<Vec<Uuid>> {
    interview_participants::table
        .filter(interview_participants::interview_id.eq(interview_id))
        .order((
            interview_participants::is_lead.desc(),
            interview_participants::created_at,
        ))
        .select(interview_participants::user_id)
        .load(conn)
        .await
}

/// The interview, locked for the rest of the transaction, if `who` may see it.
pub async fn lock_interview(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
) -> QueryResult<Option<InterviewRow>> {
    interviews::table
        .filter(interviews::id.eq(id))
        .filter(interviews::table::readable(who))
        .select(InterviewRow::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

pub async fn update_interview(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
    values: &InterviewValues,
) -> QueryResult<Option<InterviewRow>> {
    diesel::update(interviews::table)
        .filter(interviews::id.eq(id))
        .filter(interviews::table::writable(who))
        .set(values)
        .returning(InterviewRow::as_returning())
        .get_result(conn)
        .await
        .optional()
}

/// Moves an interview (the caller checked the move), keeping its times: starting sets
/// `started_at`, completing `ended_at` and the actual duration, cancelling the reason.
pub async fn move_interview(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
    to: InterviewStatus,
    cancellation_reason: Option<&str>,
) -> QueryResult<Option<InterviewRow>> {
    diesel::sql_query(format!(
        "update interviews t set
           status = $3,
           started_at = case when $3 = 'in_progress' then now() else started_at end,
           ended_at = case when $3 = 'completed' then now() else ended_at end,
           actual_duration_minutes = case when $3 = 'completed'
             then round(extract(epoch from now() - started_at) / 60)::int4 else actual_duration_minutes end,
           cancellation_reason = $4
         where t.id = $2 and {rule}
         returning t.*",
        rule = interviews::table::writable_sql("t", 1),
    ))
    .bind::<SqlUuid, _>(who.user_id)
    .bind::<SqlUuid, _>(id)
    .bind::<Text, _>(to)
    .bind::<diesel::sql_types::Nullable<Text>, _>(cancellation_reason)
    .get_result(conn)
    .await
    .optional()
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = interview_feedback)]
pub struct InterviewFeedbackRow {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub interview_id: Uuid,
    pub candidacy_id: Uuid,
    pub interviewer_member_id: Option<Uuid>,
    pub overall_rating: Option<i32>,
    pub recommendation: Option<HiringRecommendation>,
    pub technical_skills_rating: Option<i32>,
    pub communication_rating: Option<i32>,
    pub problem_solving_rating: Option<i32>,
    pub culture_fit_rating: Option<i32>,
    pub skills_evaluated: serde_json::Value,
    pub strengths: Option<String>,
    pub weaknesses: Option<String>,
    pub detailed_notes: Option<String>,
    pub questions_asked: Vec<Option<String>>,
    pub requires_second_round: bool,
    pub follow_up_notes: Option<String>,
    pub is_final: bool,
    pub submitted_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The columns of feedback its interviewer writes; each submission replaces them all.
#[derive(Clone, Debug, Insertable, AsChangeset)]
#[diesel(table_name = interview_feedback, treat_none_as_null = true)]
pub struct FeedbackValues {
    pub overall_rating: Option<i32>,
    pub recommendation: Option<HiringRecommendation>,
    pub technical_skills_rating: Option<i32>,
    pub communication_rating: Option<i32>,
    pub problem_solving_rating: Option<i32>,
    pub culture_fit_rating: Option<i32>,
    pub skills_evaluated: serde_json::Value,
    pub strengths: Option<String>,
    pub weaknesses: Option<String>,
    pub detailed_notes: Option<String>,
    pub questions_asked: Vec<String>,
    pub requires_second_round: bool,
    pub follow_up_notes: Option<String>,
    pub is_final: bool,
    pub submitted_at: Option<DateTime<Utc>>,
}

guarded_relation!(InterviewFeedbackById: interview_feedback.id => InterviewFeedbackRow);
guarded_relation!(
    /// Each interview's feedback, oldest first.
    FeedbackOfInterview: interview_feedback.interview_id => InterviewFeedbackRow,
    order by (interview_feedback::created_at, interview_feedback::id)
);

/// The feedback `member_id` gave on the interview, locked for the rest of the transaction.
pub async fn lock_feedback(
    conn: &mut AsyncPgConnection,
    interview_id: Uuid,
    member_id: Uuid,
) -> QueryResult<Option<InterviewFeedbackRow>> {
    interview_feedback::table
        .filter(interview_feedback::interview_id.eq(interview_id))
        .filter(interview_feedback::interviewer_member_id.eq(member_id))
        .select(InterviewFeedbackRow::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

/// Creates the member's feedback on the interview or replaces their draft.
pub async fn save_feedback(
    conn: &mut AsyncPgConnection,
    interview: &InterviewRow,
    member_id: Uuid,
    values: &FeedbackValues,
) -> QueryResult<InterviewFeedbackRow> {
    diesel::insert_into(interview_feedback::table)
        .values((
            interview_feedback::id.eq(Uuid::now_v7()),
            interview_feedback::organization_id.eq(interview.organization_id),
            interview_feedback::interview_id.eq(interview.id),
            interview_feedback::candidacy_id.eq(interview.candidacy_id),
            interview_feedback::interviewer_member_id.eq(member_id),
            values,
        ))
        .on_conflict((
            interview_feedback::interview_id,
            interview_feedback::interviewer_member_id,
        ))
        .do_update()
        .set(values)
        .returning(InterviewFeedbackRow::as_returning())
        .get_result(conn)
        .await
}
