//! Contacts (docs/domain.md "Contacts"; ETPS Contact): the people in a user's professional
//! network, and the only place the server keeps another person's name, email or LinkedIn URL.
//! Deleting one is soft (`deleted_at`): the access policy hides it from every list, loader and
//! `node` at once; its owner may restore it for [`RESTORE_DAYS`] days, after which
//! [`purge_expired`] (run by the server every hour) erases it for good, as `eraseContact` does
//! at once.

pub mod graphql;
pub mod store;

use std::time::Duration;

use crate::db::DbPool;

/// How long a deleted contact may be restored before the server erases it.
pub const RESTORE_DAYS: i64 = 30;

/// How often the server looks for deleted contacts past their restore window.
const PURGE_EVERY: Duration = Duration::from_secs(3600);

/// Erases every contact deleted more than [`RESTORE_DAYS`] days ago; how many.
pub async fn purge_expired(pool: &DbPool) -> anyhow::Result<usize> {
    let mut conn = pool.get().await?;
    Ok(store::purge_expired(&mut conn).await?)
}

/// Runs [`purge_expired`] now and every hour until the process ends. Several server copies
/// may all run it: a row erased twice is erased once.
pub fn spawn_purge(pool: DbPool) -> tokio::task::JoinHandle<()> {
    tokio::spawn(crate::db::uncounted(async move {
        let mut every = tokio::time::interval(PURGE_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            match purge_expired(&pool).await {
                Ok(0) => {}
                Ok(erased) => tracing::info!(erased, "erased contacts past their restore window"),
                Err(error) => tracing::warn!(%error, "cannot erase expired contacts"),
            }
        }
    }))
}
