//! The database: connection pool, migrations, the embedded cluster and the diesel schema.

pub mod audit;
mod cached;
pub mod embedded;
mod instrument;
pub mod schema;
mod text_enum;

use std::time::Duration;

use anyhow::{Context, Result};
use diesel_async::pooled_connection::deadpool::{Object, Pool};
use diesel_async::pooled_connection::{AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod};
use diesel_async::{AsyncConnection, AsyncMigrationHarness, AsyncPgConnection, RunQueryDsl};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use futures_util::FutureExt;

pub use cached::CacheStatement;
use instrument::CountStatements;
pub use instrument::{StatementCounter, uncounted};

pub type DbPool = Pool<AsyncPgConnection>;
pub type DbConn = Object<AsyncPgConnection>;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// Two server copies starting at once must not both apply migrations.
const MIGRATION_LOCK_KEY: i64 = 0x6361_7265_6572; // "career"

/// A pool whose connections count their statements into `counter`.
///
/// Connections are recycled without a test query: diesel-async already discards connections
/// whose socket closed or whose transaction broke, and a ping per checkout would cost a round
/// trip per request and make statement counts depend on pool history.
pub fn pool(database_url: &str, max_size: usize, counter: StatementCounter) -> Result<DbPool> {
    let mut config = ManagerConfig::default();
    config.recycling_method = RecyclingMethod::Fast;
    config.custom_setup = Box::new(move |url| {
        let counter = counter.clone();
        async move {
            let mut conn = AsyncPgConnection::establish(url).await?;
            conn.set_instrumentation(CountStatements::new(counter));
            Ok(conn)
        }
        .boxed()
    });
    let manager = AsyncDieselConnectionManager::new_with_config(database_url, config);
    Pool::builder(manager)
        .post_create(audit::hook())
        .post_recycle(audit::hook())
        .max_size(max_size)
        .runtime(deadpool::Runtime::Tokio1)
        .wait_timeout(Some(Duration::from_secs(5)))
        .create_timeout(Some(Duration::from_secs(5)))
        .recycle_timeout(Some(Duration::from_secs(2)))
        .build()
        .context("cannot build the connection pool")
}

/// Applies pending migrations, holding an advisory lock so concurrent starts take turns.
/// Needs tokio's multi-threaded runtime (the harness uses `block_in_place`).
pub async fn migrate(database_url: &str) -> Result<Vec<String>> {
    let mut conn = AsyncPgConnection::establish(database_url)
        .await
        .context("cannot connect to the database to migrate it")?;
    lock_migrations(&mut conn, true).await?;
    let mut harness = AsyncMigrationHarness::new(conn);
    let applied = harness
        .run_pending_migrations(MIGRATIONS)
        .map(|versions| versions.iter().map(ToString::to_string).collect())
        .map_err(|error| anyhow::anyhow!("migration failed: {error}"));
    let mut conn = harness.into_inner();
    lock_migrations(&mut conn, false).await?;
    applied
}

/// Reverts every applied migration (used by the migrations round-trip test).
pub async fn revert_all(database_url: &str) -> Result<usize> {
    let conn = AsyncPgConnection::establish(database_url).await?;
    let mut harness = AsyncMigrationHarness::new(conn);
    harness
        .revert_all_migrations(MIGRATIONS)
        .map(|versions| versions.len())
        .map_err(|error| anyhow::anyhow!("reverting migrations failed: {error}"))
}

async fn lock_migrations(conn: &mut AsyncPgConnection, lock: bool) -> Result<()> {
    let function = if lock {
        "pg_advisory_lock"
    } else {
        "pg_advisory_unlock"
    };
    diesel::sql_query(format!("select {function}($1)"))
        .bind::<diesel::sql_types::BigInt, _>(MIGRATION_LOCK_KEY)
        .execute(conn)
        .await
        .context("cannot take the migration lock")?;
    Ok(())
}

/// True when the database answers and has every migration this binary embeds.
pub async fn is_ready(pool: &DbPool) -> bool {
    let Ok(mut conn) = pool.get().await else {
        return false;
    };
    let latest_embedded = diesel::migration::MigrationSource::<diesel::pg::Pg>::migrations(&MIGRATIONS)
        .ok()
        .and_then(|all| all.iter().map(|m| m.name().version().to_string()).max());
    let latest_applied: Result<Option<String>, _> =
        diesel::select(diesel::dsl::sql::<
            diesel::sql_types::Nullable<diesel::sql_types::Text>,
        >("(select max(version) from __diesel_schema_migrations)"))
        .get_result(&mut conn)
        .await;
    matches!((latest_applied, latest_embedded), (Ok(Some(applied)), Some(embedded)) if applied >= embedded)
}

/// The result of an update whose changeset may be empty: diesel refuses an empty one (no
/// statement is sent), and then the row as it is, from `current`, answers instead.
pub async fn updated_or_current<T>(
    updated: diesel::QueryResult<T>,
    current: impl AsyncFnOnce() -> diesel::QueryResult<T>,
) -> diesel::QueryResult<T> {
    match updated {
        Err(diesel::result::Error::QueryBuilderError(error))
            if error.is::<diesel::result::EmptyChangeset>() =>
        {
            current().await
        }
        other => other,
    }
}
