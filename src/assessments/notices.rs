//! What the assessments tell people (through `notifications`), inside the transaction of the
//! change: a HIGH or CRITICAL proctoring event reaches the assessment's creator while they are
//! one of its organisation's admins or recruiters.

use diesel_async::AsyncPgConnection;

use super::enums::ProctoringSeverity;
use super::store::{self, AssessmentRow, ProctoringEventRow};
use crate::graphql::errors::AppResult;
use crate::graphql::ids::NodeType;
use crate::notifications::enums::{NotificationPriority, NotificationType};
use crate::notifications::{Notice, notify};

/// Tells the assessment's creator about a serious proctoring event; nothing for a lesser one.
pub async fn proctoring_event(
    conn: &mut AsyncPgConnection,
    assessment: &AssessmentRow,
    event: &ProctoringEventRow,
) -> AppResult<()> {
    if !event.severity.notifies() {
        return Ok(());
    }
    let Some(creator) = store::creator_on_the_team(conn, assessment).await? else {
        return Ok(());
    };
    let severity = event.severity.as_str().to_uppercase();
    let kind = event.event_type.as_str().replace('_', " ");
    let priority = match event.severity {
        ProctoringSeverity::Critical => NotificationPriority::Urgent,
        _ => NotificationPriority::High,
    };
    let notice = Notice::new(
        creator,
        NotificationType::Proctoring,
        format!("{severity} proctoring event: {}", assessment.title),
        format!(
            "A test session of \"{}\" reported {kind} ({severity}); review it in the session's proctoring events.",
            assessment.title
        ),
    )
    .priority(priority)
    .about(NodeType::ProctoringEvent, event.id);
    Ok(notify(conn, vec![notice]).await?)
}
