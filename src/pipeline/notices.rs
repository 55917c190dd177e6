//! What the pipeline tells people (through `notifications`), inside the transaction of the
//! change: a stage move reaches the candidate, when they are a careergraph user; the
//! candidate withdrawing reaches the organisation's hiring team.

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

/// Tells the organisation's admins and recruiters, and the requisition's hiring manager, that
/// the candidate withdrew the candidacy (now WITHDRAWN) from their side, with their note.
pub async fn withdrawn(
    conn: &mut AsyncPgConnection,
    candidacy: &CandidacyRow,
    note: Option<&str>,
) -> AppResult<()> {
    let team = hiring::hiring_team_of(conn, candidacy.organization_id).await?;
    // The candidate cannot read what the notice names; it is read as its first recipient, an
    // admin (every organisation keeps one), whom it is for.
    let Some(reader) = team.first().copied().map(Principal::user) else {
        return Ok(());
    };
    let candidate = hiring::one::<CandidateById>(conn, reader, candidacy.candidate_id)
        .await?
        .ok_or(AppError::NotFound("Candidate"))?;
    let requisition = hiring::one::<RequisitionById>(conn, reader, candidacy.requisition_id)
        .await?
        .ok_or(AppError::NotFound("Requisition"))?;
    let why = note
        .map(|note| format!(" Their note: {note}"))
        .unwrap_or_default();
    let message = format!(
        "{} withdrew their application for {}.{why}",
        candidate.full_name, requisition.title
    );
    let title = format!("Candidate withdrew: {}", candidate.full_name);
    let recipients = team.into_iter().chain(requisition.hiring_manager_id);
    let notices = recipients
        .map(|user| {
            Notice::new(user, NotificationType::Application, &title, &message)
                .about(NodeType::Candidacy, candidacy.id)
        })
        .collect();
    Ok(notify(conn, notices).await?)
}
