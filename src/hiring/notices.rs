//! What the hiring area tells people (through `notifications`), inside the transaction of the
//! change: an invitation reaches its invitee when the email belongs to a careergraph user.

use diesel_async::AsyncPgConnection;

use super::store::{self, InvitationRow, OrganizationById};
use crate::access::Principal;
use crate::graphql::errors::{AppError, AppResult};
use crate::graphql::ids::NodeType;
use crate::notifications::enums::NotificationType;
use crate::notifications::{Notice, notify};

/// Tells the invitee (if a user signs in with the invitation's email) that they are invited.
/// The token itself only goes to whoever invited them: a notification is no channel for a
/// secret. `who` is the admin who invited.
pub async fn invited(
    conn: &mut AsyncPgConnection,
    who: Principal,
    invitation: &InvitationRow,
) -> AppResult<()> {
    let Some(invitee) = store::user_with_email(conn, &invitation.email).await? else {
        return Ok(());
    };
    let organization = store::one::<OrganizationById>(conn, who, invitation.organization_id)
        .await?
        .ok_or(AppError::NotFound("Organization"))?;
    let notice = Notice::new(
        invitee,
        NotificationType::System,
        format!("Invitation to join {}", organization.name),
        format!(
            "{} invites you to join as {}. Accept with the invitation's token (acceptInvitation) before {}.",
            organization.name,
            invitation.role.as_str().to_uppercase(),
            invitation.expires_at.format("%Y-%m-%d %H:%M UTC"),
        ),
    )
    .about(NodeType::OrganizationInvitation, invitation.id);
    Ok(notify(conn, vec![notice]).await?)
}
