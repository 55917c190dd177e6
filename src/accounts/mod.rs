//! Accounts and sessions (docs/domain.md §1): sign-up, sign-in, refresh-token rotation with reuse
//! detection, sign-out; the sessions a user holds and their revocation; password change; and
//! account state (platform admins deactivate and reactivate accounts).
//!
//! Whatever ends a session or disables an account also publishes a revocation event in the
//! same transaction: every server copy's event listener then re-reads that user's revocations
//! into its in-memory [`crate::tokens::Revocations`], so access tokens issued before are
//! refused at once on HTTP and on open WebSockets. The copy that made the change reads them
//! itself right after the commit, so its own next request already sees the change.

pub mod extras;
pub mod extras_graphql;
pub mod graphql;
pub mod password;
pub mod store;
pub mod throttle;

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use crate::access::{self, Principal};
use crate::applications::events::{self, Event, RevocationEvent};
use crate::db::DbPool;
use crate::graphql::errors::{AppError, AppResult};
use crate::tokens::{self, TokenKeys};
use crate::validate;
use store::{SessionRow, UserRow};
use throttle::SignInThrottle;

/// The one message for every failed sign-in: it never tells whether the email exists.
const BAD_CREDENTIALS: &str = "the email or password is incorrect";
const BAD_REFRESH: &str = "the refresh token is invalid, expired or revoked; sign in again";
/// Only told to someone who gave the right password.
const DISABLED: &str = "this account is deactivated; contact the service's administrators";
/// Longest User-Agent kept for a session.
const USER_AGENT_MAX: usize = 512;

/// A signed-in session as handed to the client.
pub struct Session {
    pub access_token: String,
    pub access_expires_at: DateTime<Utc>,
    pub refresh_token: String,
    pub refresh_expires_at: DateTime<Utc>,
    pub session: SessionRow,
    pub user: UserRow,
}

/// The client's User-Agent as stored: control characters dropped, at most 512 characters.
fn stored_user_agent(user_agent: Option<&str>) -> Option<String> {
    let cleaned: String = user_agent?
        .chars()
        .filter(|c| !c.is_control())
        .take(USER_AGENT_MAX)
        .collect();
    let cleaned = cleaned.trim();
    (!cleaned.is_empty()).then(|| cleaned.to_owned())
}

pub async fn sign_up(
    pool: &DbPool,
    keys: &TokenKeys,
    email: &str,
    password: String,
    user_agent: Option<&str>,
    sign_up_extras: &extras::SignUpExtras,
) -> AppResult<Session> {
    let email = validate::email("email", email)?.0;
    password::check_policy(&password)?;
    let password_hash = password::hash(password).await?;
    let user_agent = stored_user_agent(user_agent);
    let mut conn = pool.get().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let user = store::insert_user(conn, &email, &password_hash)
            .await?
            .ok_or_else(|| AppError::Conflict(format!("an account with the email {email} already exists")))?;
        extras::record_sign_up(conn, user.id, sign_up_extras).await?;
        crate::profile::store::insert_profile(conn, user.id, &email).await?;
        let user = store::record_sign_in(conn, user.id)
            .await?
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("a new account is not active")))?;
        start_session(conn, keys, user, user_agent.as_deref()).await
    })
    .await
}

pub async fn sign_in(
    pool: &DbPool,
    keys: &TokenKeys,
    throttle: &SignInThrottle,
    email: &str,
    password: String,
    user_agent: Option<&str>,
) -> AppResult<Session> {
    // A malformed email cannot belong to an account: the same answer as a wrong password.
    let email = validate::email("email", email)
        .map_err(|_| AppError::Unauthenticated(BAD_CREDENTIALS))?
        .0;
    throttle
        .begin(&email)
        .map_err(|wait| AppError::RateLimited { retry_after: wait })?;
    let user = store::user_by_email(&mut *pool.get().await?, &email).await?;
    let stored_hash = user.as_ref().map(|u| u.password_hash.clone());
    let password_ok = password::verify(password, stored_hash).await?;
    let user = match user {
        Some(user) if password_ok => user,
        _ => return Err(AppError::Unauthenticated(BAD_CREDENTIALS)),
    };
    // The password was right: whether the account is deactivated is the owner's to know.
    throttle.succeeded(&email);
    if !user.is_active {
        return Err(AppError::AccountDisabled(DISABLED));
    }
    let user_agent = stored_user_agent(user_agent);
    let mut conn = pool.get().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let user = store::record_sign_in(conn, user.id)
            .await?
            .ok_or(AppError::AccountDisabled(DISABLED))?;
        start_session(conn, keys, user, user_agent.as_deref()).await
    })
    .await
}

enum Refreshed {
    Session(Box<Session>),
    /// Refused; the user whose session a reused token ended, if one did.
    Refused(Option<Uuid>),
}

/// Trades a refresh token for a new session. The token is used up: presenting it again later
/// means it was stolen or leaked, so its whole family (every token descended from the same
/// sign-in) is revoked, and the session with it.
pub async fn refresh(pool: &DbPool, keys: &TokenKeys, refresh_token: &str) -> AppResult<Session> {
    let hash = tokens::hash_secret_token(refresh_token);
    let mut conn = pool.get().await?;
    let outcome = conn
        .transaction::<_, AppError, _>(async |conn| {
            let Some(token) = store::lock_refresh_token(conn, &hash).await? else {
                return Ok(Refreshed::Refused(None));
            };
            let Some(session) = store::lock_session(conn, token.family_id).await? else {
                return Ok(Refreshed::Refused(None));
            };
            if token.revoked_at.is_some() {
                if token.replaced_by.is_some() && session.revoked_at.is_none() {
                    tracing::warn!(family = %token.family_id, "refresh token reused; revoking its session");
                    end_session(conn, &session).await?;
                    return Ok(Refreshed::Refused(Some(session.user_id)));
                }
                return Ok(Refreshed::Refused(None));
            }
            if session.revoked_at.is_some() || token.expires_at <= Utc::now() {
                return Ok(Refreshed::Refused(None));
            }
            // The refresh token speaks for its user.
            let Some(user) = store::user_row(conn, token.user_id)
                .await?
                .filter(|u| u.is_active)
            else {
                return Ok(Refreshed::Refused(None));
            };
            let expires_at = refresh_expiry(keys)?;
            let session = store::touch_session(conn, session.id, expires_at).await?;
            let (session, new_token_id) = issue_tokens(conn, keys, user, session).await?;
            store::mark_rotated(conn, token.id, new_token_id).await?;
            Ok(Refreshed::Session(Box::new(session)))
        })
        .await?;
    match outcome {
        Refreshed::Session(session) => Ok(*session),
        Refreshed::Refused(revoked) => {
            if let Some(user_id) = revoked {
                learn_revocations(&mut conn, keys, user_id).await;
            }
            Err(AppError::Unauthenticated(BAD_REFRESH))
        }
    }
}

/// Ends the session the refresh token belongs to, its access tokens included. Signing out
/// twice, or with an unknown token, changes nothing and is not an error: the session is gone
/// either way.
pub async fn sign_out(pool: &DbPool, keys: &TokenKeys, refresh_token: &str) -> AppResult<()> {
    let hash = tokens::hash_secret_token(refresh_token);
    let mut conn = pool.get().await?;
    let ended = conn
        .transaction::<_, AppError, _>(async |conn| {
            let Some(token) = store::lock_refresh_token(conn, &hash).await? else {
                return Ok(None);
            };
            match store::lock_session(conn, token.family_id).await? {
                Some(session) if session.revoked_at.is_none() => {
                    end_session(conn, &session).await?;
                    Ok(Some(session.user_id))
                }
                _ => Ok(None),
            }
        })
        .await?;
    if let Some(user_id) = ended {
        learn_revocations(&mut conn, keys, user_id).await;
    }
    Ok(())
}

/// Revokes one of the viewer's sessions; `NOT_FOUND` if it is not theirs.
pub async fn revoke_session(
    pool: &DbPool,
    keys: &TokenKeys,
    who: Principal,
    id: Uuid,
) -> AppResult<SessionRow> {
    let mut conn = pool.get().await?;
    let session = conn
        .transaction::<_, AppError, _>(async |conn| {
            let session = store::revoke_session(conn, who, id)
                .await?
                .ok_or(AppError::NotFound("session"))?;
            announce(conn, who.user_id).await?;
            Ok(session)
        })
        .await?;
    learn_revocations(&mut conn, keys, who.user_id).await;
    Ok(session)
}

/// Revokes every session of the viewer but the one their access token belongs to; how many.
pub async fn revoke_other_sessions(
    pool: &DbPool,
    keys: &TokenKeys,
    who: Principal,
    current: Option<Uuid>,
) -> AppResult<usize> {
    let mut conn = pool.get().await?;
    let revoked = conn
        .transaction::<_, AppError, _>(async |conn| {
            let revoked = store::revoke_sessions_of(conn, who.user_id, current).await?;
            if revoked > 0 {
                announce(conn, who.user_id).await?;
            }
            Ok(revoked)
        })
        .await?;
    if revoked > 0 {
        learn_revocations(&mut conn, keys, who.user_id).await;
    }
    Ok(revoked)
}

/// Changes the viewer's password after checking the current one, and revokes every other
/// session (a password change is what one does after losing a device); the number revoked.
/// Failed checks are throttled like sign-ins, on the account's email.
pub async fn change_password(
    pool: &DbPool,
    keys: &TokenKeys,
    throttle: &SignInThrottle,
    who: Principal,
    current_session: Option<Uuid>,
    current_password: String,
    new_password: String,
) -> AppResult<(UserRow, usize)> {
    password::check_policy(&new_password).map_err(|_| {
        AppError::bad_input(
            "newPassword",
            format!(
                "the new password must be {} to {} characters long",
                password::MIN_LENGTH,
                password::MAX_LENGTH
            ),
        )
    })?;
    let user = store::user_row(&mut *pool.get().await?, who.user_id)
        .await?
        .filter(|user| user.is_active)
        .ok_or(AppError::Unauthenticated(
            "the account no longer exists or is deactivated",
        ))?;
    throttle
        .begin(&user.email)
        .map_err(|wait| AppError::RateLimited { retry_after: wait })?;
    if !password::verify(current_password, Some(user.password_hash.clone())).await? {
        return Err(AppError::bad_input(
            "currentPassword",
            "the current password is incorrect",
        ));
    }
    throttle.succeeded(&user.email);
    let new_hash = password::hash(new_password).await?;
    let mut conn = pool.get().await?;
    let revoked = conn
        .transaction::<_, AppError, _>(async |conn| {
            store::set_password_hash(conn, who, &new_hash).await?;
            let revoked = store::revoke_sessions_of(conn, who.user_id, current_session).await?;
            announce(conn, who.user_id).await?;
            Ok(revoked)
        })
        .await?;
    learn_revocations(&mut conn, keys, who.user_id).await;
    Ok((user, revoked))
}

/// Deactivates (`active` false) or reactivates an account; only platform admins may, and not
/// their own account. Deactivation revokes every session; the account, and how many sessions
/// were revoked. Nothing is deleted.
pub async fn set_account_active(
    pool: &DbPool,
    keys: &TokenKeys,
    admin: Principal,
    user_id: Uuid,
    active: bool,
) -> AppResult<(UserRow, usize)> {
    let mut conn = pool.get().await?;
    let changed = conn
        .transaction::<_, AppError, _>(async |conn| {
            if !access::is_platform_admin(conn, admin).await? {
                return Err(AppError::Forbidden("only platform admins change account state"));
            }
            if user_id == admin.user_id {
                return Err(AppError::bad_input(
                    "id",
                    "platform admins cannot change their own account's state",
                ));
            }
            // The row lock taken here makes a sign-in that is under way either finish first
            // (and its session be revoked below) or find the account deactivated.
            let user = store::set_active(conn, user_id, active)
                .await?
                .ok_or(AppError::NotFound("user"))?;
            let revoked = if active {
                0
            } else {
                store::revoke_sessions_of(conn, user_id, None).await?
            };
            announce(conn, user_id).await?;
            Ok((user, revoked))
        })
        .await?;
    learn_revocations(&mut conn, keys, user_id).await;
    Ok(changed)
}

/// Deletes the viewer's account after the same password check as a sign-in (throttled alike,
/// on the account's email): the user row goes, everything they own goes with it through the
/// foreign keys' cascades (sessions and refresh tokens included), the audit log's entries about
/// them are pseudonymised (`store::erase_account`), and every copy refuses their access tokens
/// at once (the user row's delete trigger writes the revocation event; open WebSockets close
/// with 4403). Their export files are deleted by the export runner's next sweep.
pub async fn delete_account(
    pool: &DbPool,
    keys: &TokenKeys,
    throttle: &SignInThrottle,
    who: Principal,
    password: String,
) -> AppResult<Uuid> {
    let user = store::user_row(&mut *pool.get().await?, who.user_id)
        .await?
        .filter(|user| user.is_active)
        .ok_or(AppError::Unauthenticated(
            "the account no longer exists or is deactivated",
        ))?;
    throttle
        .begin(&user.email)
        .map_err(|wait| AppError::RateLimited { retry_after: wait })?;
    if !password::verify(password, Some(user.password_hash.clone())).await? {
        return Err(AppError::bad_input("password", "the password is incorrect"));
    }
    throttle.succeeded(&user.email);
    let mut conn = pool.get().await?;
    let erased = conn
        .transaction::<_, AppError, _>(async |conn| Ok(store::erase_account(conn, who).await?))
        .await?;
    if !erased {
        return Err(AppError::Unauthenticated("the account no longer exists"));
    }
    learn_revocations(&mut conn, keys, user.id).await;
    Ok(user.id)
}

async fn start_session(
    conn: &mut AsyncPgConnection,
    keys: &TokenKeys,
    user: UserRow,
    user_agent: Option<&str>,
) -> AppResult<Session> {
    let expires_at = refresh_expiry(keys)?;
    let session = store::insert_session(conn, user.id, user_agent, expires_at).await?;
    issue_tokens(conn, keys, user, session)
        .await
        .map(|(session, _)| session)
}

fn refresh_expiry(keys: &TokenKeys) -> AppResult<DateTime<Utc>> {
    let ttl = chrono::Duration::from_std(keys.refresh_ttl).map_err(AppError::internal)?;
    Ok(Utc::now() + ttl)
}

async fn issue_tokens(
    conn: &mut AsyncPgConnection,
    keys: &TokenKeys,
    user: UserRow,
    session: SessionRow,
) -> AppResult<(Session, Uuid)> {
    let (refresh_token, hash) = tokens::new_secret_token().map_err(AppError::internal)?;
    let refresh_expires_at = session.expires_at;
    let token_id = store::insert_refresh_token(conn, user.id, session.id, &hash, refresh_expires_at).await?;
    let access = keys
        .issue_access(user.id, session.id)
        .map_err(AppError::internal)?;
    let access_expires_at = DateTime::from_timestamp(access.expires_at, 0)
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("access-token expiry out of range")))?;
    Ok((
        Session {
            access_token: access.token,
            access_expires_at,
            refresh_token,
            refresh_expires_at,
            session,
            user,
        },
        token_id,
    ))
}

/// Ends a session (its refresh tokens with it) and tells every copy.
async fn end_session(conn: &mut AsyncPgConnection, session: &SessionRow) -> AppResult<()> {
    store::end_session(conn, session.id).await?;
    announce(conn, session.user_id).await
}

/// Tells every server copy, when the transaction commits, to re-read the user's revocations.
async fn announce(conn: &mut AsyncPgConnection, user_id: Uuid) -> AppResult<()> {
    Ok(events::publish(conn, &Event::Revocation(RevocationEvent { user_id })).await?)
}

/// Re-reads the user's revocations into this copy's memory, so that its next request sees the
/// change without waiting for the event. A failure here is only logged: the event brings the
/// same change moments later.
async fn learn_revocations(conn: &mut AsyncPgConnection, keys: &TokenKeys, user_id: Uuid) {
    if let Err(error) = keys.revocations.load_user(conn, user_id).await {
        tracing::warn!(%error, "cannot read a user's revocations; the event listener will");
    }
}
