//! What the evaluation tells people (through `notifications`), inside the transaction of the
//! change: an interview booked, moved or called off reaches its interviewers and the candidate
//! (when they are a careergraph user), an interviewer added to or taken off one hears so; final
//! feedback reaches the requisition's hiring manager.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::store::{self, InterviewFeedbackRow, InterviewRow};
use crate::access::Principal;
use crate::graphql::errors::{AppError, AppResult};
use crate::graphql::ids::NodeType;
use crate::hiring::store::{self as hiring, OrganizationById, RequisitionById};
use crate::notifications::enums::{NotificationPriority, NotificationType};
use crate::notifications::{Notice, notify};
use crate::pipeline::store::{CandidacyById, CandidateById};

/// What happened to an interview.
pub enum InterviewNews<'a> {
    Scheduled,
    /// Moved in time or length; `was` is when it was to begin.
    Rescheduled {
        was: DateTime<Utc>,
    },
    /// With the reason, which the interviewers read (the candidate is told it is off).
    Cancelled(&'a str),
    /// Taken off it: for the interviewers who no longer are.
    Released,
}

/// Who hears the news of an interview.
pub enum Audience {
    /// Its interviewers (as they are after the change) and its candidate.
    Everyone,
    /// These interviewers alone.
    Interviewers(Vec<Uuid>),
    /// These interviewers and the candidate.
    InterviewersAndCandidate(Vec<Uuid>),
}

/// Tells `audience` what happened to an interview. `who` is the member who changed it (the
/// organisation's admin or recruiter, who reads all it names).
pub async fn interview(
    conn: &mut AsyncPgConnection,
    who: Principal,
    interview: &InterviewRow,
    news: InterviewNews<'_>,
    audience: Audience,
) -> AppResult<()> {
    let candidacy = hiring::one::<CandidacyById>(conn, who, interview.candidacy_id)
        .await?
        .ok_or(AppError::NotFound("Candidacy"))?;
    let candidate = hiring::one::<CandidateById>(conn, who, interview.candidate_id)
        .await?
        .ok_or(AppError::NotFound("Candidate"))?;
    let requisition = hiring::one::<RequisitionById>(conn, who, interview.requisition_id)
        .await?
        .ok_or(AppError::NotFound("Requisition"))?;
    let organization = hiring::one::<OrganizationById>(conn, who, interview.organization_id)
        .await?
        .ok_or(AppError::NotFound("Organization"))?;
    let what = format!(
        "{} interview ({}) for {} on {} ({} minutes, arranged in {})",
        interview.interview_type.as_str(),
        interview.interview_mode.as_str().replace('_', " "),
        requisition.title,
        interview.scheduled_at.format("%Y-%m-%d %H:%M UTC"),
        interview.duration_minutes,
        interview.time_zone,
    );
    let (title, priority, team_message, candidate_message) = match news {
        InterviewNews::Scheduled => (
            format!("Interview scheduled: {}", requisition.title),
            NotificationPriority::Normal,
            format!("You interview {} in a {what}.", candidate.full_name),
            format!("{} booked your {what}.", organization.name),
        ),
        InterviewNews::Rescheduled { was } => (
            format!("Interview moved: {}", requisition.title),
            NotificationPriority::High,
            format!(
                "The interview with {} set for {} is now a {what}.",
                candidate.full_name,
                was.format("%Y-%m-%d %H:%M UTC")
            ),
            format!(
                "{} moved your interview set for {}: it is now a {what}.",
                organization.name,
                was.format("%Y-%m-%d %H:%M UTC")
            ),
        ),
        InterviewNews::Released => (
            format!("Interview reassigned: {}", requisition.title),
            NotificationPriority::Normal,
            format!("You no longer interview {} in the {what}.", candidate.full_name),
            String::new(),
        ),
        InterviewNews::Cancelled(reason) => (
            format!("Interview cancelled: {}", requisition.title),
            NotificationPriority::High,
            format!("The {what} with {} is cancelled: {reason}", candidate.full_name),
            format!("{} cancelled your {what}.", organization.name),
        ),
    };
    let (interviewers, tell_candidate) = match audience {
        Audience::Everyone => (store::interviewers_of(conn, interview.id).await?, true),
        Audience::Interviewers(users) => (users, false),
        Audience::InterviewersAndCandidate(users) => (users, true),
    };
    let mut notices: Vec<Notice> = interviewers
        .into_iter()
        .map(|user| {
            Notice::new(user, NotificationType::Interview, &title, &team_message)
                .about(NodeType::Interview, interview.id)
                .priority(priority)
        })
        .collect();
    if let Some(user) = candidate.user_id.filter(|_| tell_candidate) {
        let mut notice =
            Notice::new(user, NotificationType::Interview, &title, candidate_message).priority(priority);
        if let Some(application) = candidacy.application_id {
            notice = notice.about(NodeType::Application, application);
        }
        notices.push(notice);
    }
    Ok(notify(conn, notices).await?)
}

/// Tells the requisition's hiring manager that an interviewer submitted final feedback (unless
/// the manager is that interviewer). `who` is the interviewer.
pub async fn feedback_submitted(
    conn: &mut AsyncPgConnection,
    who: Principal,
    interview: &InterviewRow,
    feedback: &InterviewFeedbackRow,
) -> AppResult<()> {
    let requisition = hiring::one::<RequisitionById>(conn, who, interview.requisition_id)
        .await?
        .ok_or(AppError::NotFound("Requisition"))?;
    let Some(manager) = requisition
        .hiring_manager_id
        .filter(|manager| *manager != who.user_id)
    else {
        return Ok(());
    };
    let candidate = hiring::one::<CandidateById>(conn, who, interview.candidate_id)
        .await?
        .ok_or(AppError::NotFound("Candidate"))?;
    let verdict = feedback
        .recommendation
        .map(|r| r.as_str().replace('_', " "))
        .unwrap_or_default();
    let notice = Notice::new(
        manager,
        NotificationType::Interview,
        format!("Feedback submitted: {}", candidate.full_name),
        format!(
            "An interviewer submitted final feedback on the {} interview of {} for {}: {} of 5, {verdict}.",
            interview.interview_type.as_str(),
            candidate.full_name,
            requisition.title,
            feedback.overall_rating.unwrap_or_default(),
        ),
    )
    .about(NodeType::InterviewFeedback, feedback.id);
    Ok(notify(conn, vec![notice]).await?)
}
