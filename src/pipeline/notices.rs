//! What the pipeline tells people (through `notifications`), inside the transaction of the
//! change: a stage move reaches the candidate, when they are a careergraph user.

use diesel_async::AsyncPgConnection;

use super::enums::CandidacyStage;
use super::store::{CandidacyRow, CandidateById};
use crate::access::Principal;
use crate::graphql::errors::{AppError, AppResult};
use crate::graphql::ids::NodeType;
use crate::hiring::store::{self as hiring, OrganizationById, RequisitionById};
use crate::notifications::enums::{NotificationPriority, NotificationType};
use crate::notifications::{Notice, notify};

/// Tells the candidate that the organisation moved their candidacy (now at its new stage).
/// `who` is the member who moved it.
pub async fn stage_moved(
    conn: &mut AsyncPgConnection,
    who: Principal,
    candidacy: &CandidacyRow,
) -> AppResult<()> {
    let candidate = hiring::one::<CandidateById>(conn, who, candidacy.candidate_id)
        .await?
        .ok_or(AppError::NotFound("Candidate"))?;
    let Some(user) = candidate.user_id else {
        return Ok(());
    };
    let requisition = hiring::one::<RequisitionById>(conn, who, candidacy.requisition_id)
        .await?
        .ok_or(AppError::NotFound("Requisition"))?;
    let organization = hiring::one::<OrganizationById>(conn, who, candidacy.organization_id)
        .await?
        .ok_or(AppError::NotFound("Organization"))?;
    let stage = candidacy.stage.as_str().to_uppercase();
    let priority = match candidacy.stage {
        CandidacyStage::Offer | CandidacyStage::Hired => NotificationPriority::High,
        _ => NotificationPriority::Normal,
    };
    let mut notice = Notice::new(
        user,
        NotificationType::Application,
        format!("Your application is at {stage}: {}", requisition.title),
        format!(
            "{} moved your application for {} to {stage}.",
            organization.name, requisition.title
        ),
    )
    .priority(priority);
    if let Some(application) = candidacy.application_id {
        notice = notice.about(NodeType::Application, application);
    }
    Ok(notify(conn, vec![notice]).await?)
}
