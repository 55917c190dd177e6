//! argon2id password hashing, run off the async threads (a hash takes tens of milliseconds)
//! and at most [`hashing_slots`] at a time, so a flood of sign-ins queues up instead of taking
//! every core from the queries.

use std::sync::{Arc, OnceLock};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::TryRngCore;

use crate::graphql::errors::{AppError, AppResult};

pub const MIN_LENGTH: usize = 8;
pub const MAX_LENGTH: usize = 256;

pub fn check_policy(password: &str) -> AppResult<()> {
    let length = password.chars().count();
    if !(MIN_LENGTH..=MAX_LENGTH).contains(&length) {
        return Err(AppError::bad_input(
            "password",
            format!("password must be {MIN_LENGTH} to {MAX_LENGTH} characters long"),
        ));
    }
    Ok(())
}

/// Half the cores (at least one) may hash at once.
fn hashing_slots() -> &'static Arc<tokio::sync::Semaphore> {
    static SLOTS: OnceLock<Arc<tokio::sync::Semaphore>> = OnceLock::new();
    SLOTS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Arc::new(tokio::sync::Semaphore::new((cores / 2).max(1)))
    })
}

/// Runs `work` on the blocking pool once a hashing slot is free. The slot goes with the work,
/// so it stays taken while a hash runs even if the request that started it has gone.
async fn in_hashing_slot<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> AppResult<T> {
    let slot = hashing_slots()
        .clone()
        .acquire_owned()
        .await
        .map_err(AppError::internal)?;
    tokio::task::spawn_blocking(move || {
        let done = work();
        drop(slot);
        done
    })
    .await
    .map_err(AppError::internal)
}

fn hash_blocking(password: &str) -> AppResult<String> {
    let mut salt = [0u8; 16];
    rand::rngs::OsRng
        .try_fill_bytes(&mut salt)
        .map_err(AppError::internal)?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| AppError::internal(anyhow::anyhow!("{e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| AppError::internal(anyhow::anyhow!("{e}")))
}

pub async fn hash(password: String) -> AppResult<String> {
    in_hashing_slot(move || hash_blocking(&password)).await?
}

/// Checks `password` against `stored`, or against a throwaway hash when there is no account,
/// so that a sign-in takes as long whether or not the email exists.
pub async fn verify(password: String, stored: Option<String>) -> AppResult<bool> {
    in_hashing_slot(move || {
        static DECOY: OnceLock<Option<String>> = OnceLock::new();
        let decoy = DECOY.get_or_init(|| hash_blocking("decoy password, never matches").ok());
        let Some(phc) = stored.as_deref().or(decoy.as_deref()) else {
            return false;
        };
        let Ok(parsed) = PasswordHash::new(phc) else {
            return false;
        };
        let matches = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        matches && stored.is_some()
    })
    .await
}
