//! Access tokens (short-lived JWTs, HS256) and refresh tokens (opaque, stored as SHA-256).

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::TryRngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

const ISSUER: &str = "careergraph";

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: Uuid,
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
}

/// A verified access token: whose it is, and until when (Unix seconds) it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Access {
    pub user_id: Uuid,
    pub expires_at: i64,
}

/// Why a bearer token was refused; the message tells the client what to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenError {
    Expired,
    Invalid,
}

impl TokenError {
    pub fn message(self) -> &'static str {
        match self {
            Self::Expired => "the access token has expired; refresh the session",
            Self::Invalid => "the access token is invalid",
        }
    }
}

impl TokenKeys {
    pub fn new(secret: &[u8], access_ttl: Duration, refresh_ttl: Duration) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 5;
        // Ours carry no `nbf`, but a token that says it is not valid yet is not.
        validation.validate_nbf = true;
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "sub", "iss"]);
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            access_ttl,
            refresh_ttl,
        }
    }

    pub fn issue_access(&self, user_id: Uuid) -> anyhow::Result<String> {
        let now = Utc::now().timestamp();
        let claims = Claims {
            sub: user_id,
            iat: now,
            exp: now + self.access_ttl.as_secs() as i64,
            iss: ISSUER.to_owned(),
        };
        Ok(jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.encoding,
        )?)
    }

    pub fn verify_access(&self, token: &str) -> Result<Access, TokenError> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| Access {
                user_id: data.claims.sub,
                expires_at: data.claims.exp,
            })
            .map_err(|error| match error.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid,
            })
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
        let token = keys.issue_access(user).ok().unwrap_or_default();
        assert_eq!(keys.verify_access(&token).map(|access| access.user_id), Ok(user));
        assert_eq!(
            other.verify_access(&token).map(|access| access.user_id),
            Err(TokenError::Invalid)
        );
        assert_eq!(
            keys.verify_access("not.a.jwt").map(|access| access.user_id),
            Err(TokenError::Invalid)
        );
    }
}
