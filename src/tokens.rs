//! Access tokens (short-lived JWTs, HS256) and refresh tokens (opaque, stored as SHA-256), and
//! the revocations that refuse an access token before it expires.
//!
//! Every access token names its session (`sid`, the refresh-token family of one sign-in). A
//! token is refused at once when its session was revoked (sign-out, `revokeSession`,
//! `revokeOtherSessions`, a password change, a reused refresh token), when its user is
//! deactivated, or when its user no longer exists. Checking that costs no statement: each
//! server copy keeps [`Revocations`] in memory, filled from the tables when its event
//! listener (re)connects and kept current by the revocation events every copy reads
//! (`applications::events`). Revoked sessions are remembered only as long as a token issued
//! before the revocation could still be unexpired. A token from before sessions existed (no
//! `sid`) is refused once any session of its user is revoked after it was issued.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Double, Nullable, Text, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::TryRngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::sync::watch;
use uuid::Uuid;

use crate::db::CacheStatement;

const ISSUER: &str = "careergraph";
/// Seconds of clock difference a token's `exp` and `nbf` are allowed.
const LEEWAY: u64 = 5;
/// Beyond the access-token lifetime, how long a revocation is remembered: server clocks and
/// the database's may differ a little.
const REVOCATION_MARGIN: Duration = Duration::from_secs(60);

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: Uuid,
    /// The session (refresh-token family) the token was issued to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sid: Option<Uuid>,
    iat: i64,
    exp: i64,
    iss: String,
}

/// Signs and checks access tokens with the server's secret.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    pub access_ttl: Duration,
    pub refresh_ttl: Duration,
    /// What this copy knows is revoked; shared with its event listener.
    pub revocations: Arc<Revocations>,
}

/// A verified access token: whose it is, of which session, and when (Unix seconds) it was
/// issued and until when it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Access {
    pub user_id: Uuid,
    /// None for a token issued before sessions existed (see [`Revocations::refuses`]).
    pub session_id: Option<Uuid>,
    pub issued_at: i64,
    pub expires_at: i64,
}

/// A new access token and when (Unix seconds) it expires.
pub struct IssuedAccess {
    pub token: String,
    pub expires_at: i64,
}

/// Why a bearer token was refused; the message tells the client what to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenError {
    Expired,
    Invalid,
    /// Signed by us and unexpired, but its session was ended, or its account deactivated or
    /// deleted, after it was issued.
    Revoked,
}

impl TokenError {
    pub fn message(self) -> &'static str {
        match self {
            Self::Expired => "the access token has expired; refresh the session",
            Self::Invalid => "the access token is invalid",
            Self::Revoked => {
                "the access token was revoked (signed out, password changed or account deactivated); sign in again"
            }
        }
    }
}

impl TokenKeys {
    pub fn new(secret: &[u8], access_ttl: Duration, refresh_ttl: Duration) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = LEEWAY;
        // Ours carry no `nbf`, but a token that says it is not valid yet is not.
        validation.validate_nbf = true;
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "sub", "iss"]);
        let revocations = Arc::new(Revocations::default());
        revocations.keep_for(access_ttl + Duration::from_secs(LEEWAY) + REVOCATION_MARGIN);
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            access_ttl,
            refresh_ttl,
            revocations,
        }
    }

    /// The same keys, refusing what `revocations` (fed by this copy's event listener) says.
    pub fn with_revocations(mut self, revocations: Arc<Revocations>) -> Self {
        revocations.keep_for(self.access_ttl + Duration::from_secs(LEEWAY) + REVOCATION_MARGIN);
        self.revocations = revocations;
        self
    }

    pub fn issue_access(&self, user_id: Uuid, session_id: Uuid) -> anyhow::Result<IssuedAccess> {
        let now = Utc::now().timestamp();
        let claims = Claims {
            sub: user_id,
            sid: Some(session_id),
            iat: now,
            exp: now + self.access_ttl.as_secs() as i64,
            iss: ISSUER.to_owned(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?;
        Ok(IssuedAccess {
            token,
            expires_at: claims.exp,
        })
    }

    pub fn verify_access(&self, token: &str) -> Result<Access, TokenError> {
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|error| match error.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid,
            })?
            .claims;
        let access = Access {
            user_id: claims.sub,
            session_id: claims.sid,
            issued_at: claims.iat,
            expires_at: claims.exp,
        };
        if self.revocations.refuses(&access) {
            return Err(TokenError::Revoked);
        }
        Ok(access)
    }
}

/// One thing that makes access tokens refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Revoked {
    /// Every token of a deactivated account, while it stays deactivated.
    Deactivated { user_id: Uuid },
    /// Every token of an account that no longer exists.
    Deleted { user_id: Uuid },
    /// Every token of a session, revoked at `at` (Unix seconds).
    Session {
        user_id: Uuid,
        session_id: Uuid,
        at: i64,
    },
}

/// What this server copy knows is revoked, checked on every authenticated request and by
/// every open WebSocket without a statement. See the module's comment.
pub struct Revocations {
    state: RwLock<RevokedState>,
    /// Bumped on every change, so open WebSockets check their token again.
    changes: watch::Sender<u64>,
    /// Seconds a revoked session or a deleted account is remembered.
    retention: AtomicU64,
}

#[derive(Default)]
struct RevokedState {
    deactivated: HashSet<Uuid>,
    /// Deleted account → when this copy learnt it (Unix seconds).
    deleted: HashMap<Uuid, i64>,
    /// Revoked session → its user and when it was revoked (Unix seconds).
    sessions: HashMap<Uuid, (Uuid, i64)>,
}

impl Default for Revocations {
    fn default() -> Self {
        Self {
            state: RwLock::new(RevokedState::default()),
            changes: watch::Sender::new(0),
            retention: AtomicU64::new(3600),
        }
    }
}

impl RevokedState {
    fn add(&mut self, fact: Revoked, now: i64) {
        match fact {
            Revoked::Deactivated { user_id } => {
                self.deactivated.insert(user_id);
            }
            Revoked::Deleted { user_id } => {
                self.deleted.entry(user_id).or_insert(now);
            }
            Revoked::Session {
                user_id,
                session_id,
                at,
            } => {
                self.sessions.insert(session_id, (user_id, at));
            }
        }
    }

    fn prune(&mut self, oldest: i64) {
        self.sessions.retain(|_, (_, at)| *at >= oldest);
        self.deleted.retain(|_, at| *at >= oldest);
    }
}

impl Revocations {
    /// Whether the token must be refused.
    pub fn refuses(&self, access: &Access) -> bool {
        let Ok(state) = self.state.read() else {
            // A writer panicked mid-change: refusing everything is the safe side.
            return true;
        };
        if state.deactivated.contains(&access.user_id) || state.deleted.contains_key(&access.user_id) {
            return true;
        }
        match access.session_id {
            Some(session_id) => state.sessions.contains_key(&session_id),
            // A token from before sessions existed cannot say which session it belongs to:
            // any session of its user revoked since it was issued (in the same second
            // included) refuses it.
            None => state
                .sessions
                .values()
                .any(|(user_id, at)| *user_id == access.user_id && *at >= access.issued_at),
        }
    }

    /// Changes whenever anything is revoked or restored.
    pub fn changes(&self) -> watch::Receiver<u64> {
        self.changes.subscribe()
    }

    /// Remember revocations at least this long (a token's lifetime and some margin).
    pub fn keep_for(&self, retention: Duration) {
        self.retention.fetch_max(retention.as_secs(), Ordering::Relaxed);
    }

    pub fn retention(&self) -> Duration {
        Duration::from_secs(AtomicU64::load(&self.retention, Ordering::Relaxed))
    }

    /// Everything there is to know, as read from the tables: replaces what was known.
    pub fn replace_all(&self, facts: Vec<Revoked>) {
        self.change(|state, now| {
            *state = RevokedState::default();
            for fact in facts {
                state.add(fact, now);
            }
        });
    }

    /// Everything there is to know of one user, as read from the tables.
    pub fn replace_user(&self, user_id: Uuid, facts: Vec<Revoked>) {
        self.change(|state, now| {
            state.deactivated.remove(&user_id);
            state.sessions.retain(|_, (owner, _)| *owner != user_id);
            for fact in facts {
                state.add(fact, now);
            }
        });
    }

    fn change(&self, apply: impl FnOnce(&mut RevokedState, i64)) {
        let now = Utc::now().timestamp();
        let oldest = now - self.retention().as_secs() as i64;
        {
            let mut state = match self.state.write() {
                Ok(state) => state,
                Err(poisoned) => poisoned.into_inner(),
            };
            apply(&mut state, now);
            state.prune(oldest);
        }
        self.changes.send_modify(|generation| *generation += 1);
    }

    /// Reads every revocation that still matters ([`Self::replace_all`]).
    pub async fn load_all(&self, conn: &mut AsyncPgConnection) -> diesel::QueryResult<()> {
        let rows: Vec<RevokedRow> = diesel::sql_query(
            "select 'deactivated' as kind, id as user_id, null::uuid as session_id, 0::bigint as at \
             from users where not is_active \
             union all \
             select 'session', user_id, id, extract(epoch from revoked_at)::bigint \
             from sessions where revoked_at > now() - make_interval(secs => $1) \
             union all \
             select distinct 'deleted', gone.id, null::uuid, 0::bigint \
             from (select (payload->>'userId')::uuid as id from event_outbox \
                   where created_at > now() - make_interval(secs => $1) \
                     and payload->>'type' = 'revocation') gone \
             where not exists (select 1 from users where users.id = gone.id)",
        )
        .bind::<Double, _>(self.retention().as_secs_f64())
        .cached()
        .load(conn)
        .await?;
        self.replace_all(rows.into_iter().filter_map(RevokedRow::fact).collect());
        Ok(())
    }

    /// Reads what is revoked of one user ([`Self::replace_user`]).
    pub async fn load_user(&self, conn: &mut AsyncPgConnection, user_id: Uuid) -> diesel::QueryResult<()> {
        let rows: Vec<RevokedRow> = diesel::sql_query(
            "select 'deactivated' as kind, id as user_id, null::uuid as session_id, 0::bigint as at \
             from users where id = $1 and not is_active \
             union all \
             select 'session', user_id, id, extract(epoch from revoked_at)::bigint \
             from sessions where user_id = $1 and revoked_at > now() - make_interval(secs => $2) \
             union all \
             select 'deleted', $1, null::uuid, 0::bigint \
             where not exists (select 1 from users where id = $1)",
        )
        .bind::<SqlUuid, _>(user_id)
        .bind::<Double, _>(self.retention().as_secs_f64())
        .cached()
        .load(conn)
        .await?;
        self.replace_user(user_id, rows.into_iter().filter_map(RevokedRow::fact).collect());
        Ok(())
    }
}

#[derive(QueryableByName)]
struct RevokedRow {
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = SqlUuid)]
    user_id: Uuid,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    session_id: Option<Uuid>,
    #[diesel(sql_type = BigInt)]
    at: i64,
}

impl RevokedRow {
    fn fact(self) -> Option<Revoked> {
        let user_id = self.user_id;
        match (self.kind.as_str(), self.session_id) {
            ("deactivated", _) => Some(Revoked::Deactivated { user_id }),
            ("deleted", _) => Some(Revoked::Deleted { user_id }),
            ("session", Some(session_id)) => Some(Revoked::Session {
                user_id,
                session_id,
                at: self.at,
            }),
            _ => None,
        }
    }
}

/// A new secret token (a refresh token, an invitation) and the hash to store for it: only
/// the hash is kept, so a copy of the database gives no usable token.
pub fn new_secret_token() -> anyhow::Result<(String, Vec<u8>)> {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.try_fill_bytes(&mut bytes)?;
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash_secret_token(&token);
    Ok((token, hash))
}

pub fn hash_secret_token(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_tokens_round_trip_and_reject_other_secrets() {
        let keys = TokenKeys::new(b"secret-one", Duration::from_secs(60), Duration::from_secs(60));
        let other = TokenKeys::new(b"secret-two", Duration::from_secs(60), Duration::from_secs(60));
        let user = Uuid::now_v7();
        let session = Uuid::now_v7();
        let token = keys
            .issue_access(user, session)
            .map(|issued| issued.token)
            .unwrap_or_default();
        assert_eq!(keys.verify_access(&token).map(|access| access.user_id), Ok(user));
        assert_eq!(
            other.verify_access(&token).map(|access| access.user_id),
            Err(TokenError::Invalid)
        );
        assert_eq!(
            keys.verify_access("not.a.jwt").map(|access| access.user_id),
            Err(TokenError::Invalid)
        );
        keys.revocations.replace_user(
            user,
            vec![Revoked::Session {
                user_id: user,
                session_id: session,
                at: Utc::now().timestamp(),
            }],
        );
        assert_eq!(keys.verify_access(&token), Err(TokenError::Revoked));
        keys.revocations.replace_user(user, Vec::new());
        assert_eq!(
            keys.verify_access(&token).map(|access| access.session_id),
            Ok(Some(session))
        );
    }
}
