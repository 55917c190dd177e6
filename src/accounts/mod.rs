//! Accounts and sessions (docs/domain.md §1): sign-up, sign-in, refresh-token rotation with reuse
//! detection, sign-out.

pub mod graphql;
pub mod password;
pub mod store;
pub mod throttle;

use chrono::Utc;
use diesel_async::AsyncConnection;
use uuid::Uuid;

use crate::access::Principal;
use crate::db::DbPool;
use crate::graphql::errors::{AppError, AppResult};
use crate::tokens::{self, TokenKeys};
use crate::validate;
use store::UserRow;
use throttle::SignInThrottle;

/// The one message for every failed sign-in: it never tells whether the email exists.
const BAD_CREDENTIALS: &str = "the email or password is incorrect";
const BAD_REFRESH: &str = "the refresh token is invalid, expired or revoked; sign in again";

/// A signed-in session as handed to the client.
pub struct Session {
    pub access_token: String,
    pub refresh_token: String,
    pub user: UserRow,
}

pub async fn sign_up(pool: &DbPool, keys: &TokenKeys, email: &str, password: String) -> AppResult<Session> {
    let email = validate::email("email", email)?.0;
    password::check_policy(&password)?;
    let password_hash = password::hash(password).await?;
    let mut conn = pool.get().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let user = store::insert_user(conn, &email, &password_hash)
            .await?
            .ok_or_else(|| AppError::Conflict(format!("an account with the email {email} already exists")))?;
        crate::profile::store::insert_profile(conn, user.id, &email).await?;
        let user = store::record_sign_in(conn, user.id).await?;
        start_session(conn, keys, user, Uuid::now_v7()).await
    })
    .await
}

pub async fn sign_in(
    pool: &DbPool,
    keys: &TokenKeys,
    throttle: &SignInThrottle,
    email: &str,
    password: String,
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
        Some(user) if password_ok && user.is_active => user,
        _ => return Err(AppError::Unauthenticated(BAD_CREDENTIALS)),
    };
    throttle.succeeded(&email);
    let mut conn = pool.get().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let user = store::record_sign_in(conn, user.id).await?;
        start_session(conn, keys, user, Uuid::now_v7()).await
    })
    .await
}

enum Refreshed {
    Session(Box<Session>),
    Refused,
}

/// Trades a refresh token for a new session. The token is used up: presenting it again later
/// means it was stolen or leaked, so its whole family (every token descended from the same
/// sign-in) is revoked.
pub async fn refresh(pool: &DbPool, keys: &TokenKeys, refresh_token: &str) -> AppResult<Session> {
    let hash = tokens::hash_secret_token(refresh_token);
    let mut conn = pool.get().await?;
    let outcome = conn
        .transaction::<_, AppError, _>(async |conn| {
            let Some(token) = store::lock_refresh_token(conn, &hash).await? else {
                return Ok(Refreshed::Refused);
            };
            if token.revoked_at.is_some() {
                if token.replaced_by.is_some() {
                    tracing::warn!(family = %token.family_id, "refresh token reused; revoking its family");
                    store::revoke_family(conn, token.family_id).await?;
                }
                return Ok(Refreshed::Refused);
            }
            if token.expires_at <= Utc::now() {
                return Ok(Refreshed::Refused);
            }
            // The refresh token speaks for its user.
            let users = store::users_by_ids(conn, Principal::user(token.user_id), &[token.user_id]).await?;
            let Some(user) = users.into_iter().next().filter(|u| u.is_active) else {
                return Ok(Refreshed::Refused);
            };
            let (session, new_token_id) = issue_tokens(conn, keys, user, token.family_id).await?;
            store::mark_rotated(conn, token.id, new_token_id).await?;
            Ok(Refreshed::Session(Box::new(session)))
        })
        .await?;
    match outcome {
        Refreshed::Session(session) => Ok(*session),
        Refreshed::Refused => Err(AppError::Unauthenticated(BAD_REFRESH)),
    }
}

/// Ends the session the refresh token belongs to. Signing out twice, or with an unknown token,
/// changes nothing and is not an error: the session is gone either way.
pub async fn sign_out(pool: &DbPool, refresh_token: &str) -> AppResult<()> {
    let hash = tokens::hash_secret_token(refresh_token);
    let mut conn = pool.get().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        if let Some(token) = store::lock_refresh_token(conn, &hash).await? {
            store::revoke_family(conn, token.family_id).await?;
        }
        Ok(())
    })
    .await
}

async fn start_session(
    conn: &mut diesel_async::AsyncPgConnection,
    keys: &TokenKeys,
    user: UserRow,
    family_id: Uuid,
) -> AppResult<Session> {
    issue_tokens(conn, keys, user, family_id)
        .await
        .map(|(session, _)| session)
}

async fn issue_tokens(
    conn: &mut diesel_async::AsyncPgConnection,
    keys: &TokenKeys,
    user: UserRow,
    family_id: Uuid,
) -> AppResult<(Session, Uuid)> {
    let (refresh_token, hash) = tokens::new_secret_token().map_err(AppError::internal)?;
    let ttl = chrono::Duration::from_std(keys.refresh_ttl).map_err(AppError::internal)?;
    let token_id = store::insert_refresh_token(conn, user.id, family_id, &hash, Utc::now() + ttl).await?;
    let access_token = keys.issue_access(user.id).map_err(AppError::internal)?;
    Ok((
        Session {
            access_token,
            refresh_token,
            user,
        },
        token_id,
    ))
}
