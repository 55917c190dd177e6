//! Running the server: the database (given or embedded), migrations, serving and a
//! graceful shutdown.

use anyhow::{Context, Result};

use crate::applications::events::EventHub;
use crate::config::Settings;
use crate::db::embedded::{Durability, EmbeddedPostgres};
use crate::db::{self, StatementCounter};
use crate::{AppState, app};

/// Runs `work` against the configured database, or against the embedded cluster, which is
/// started first and stopped after `work` ends however it ends.
async fn with_database<F, Fut>(settings: &Settings, work: F) -> Result<()>
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = Result<()>>,
{
    if let Some(url) = &settings.database_url {
        return work(url.clone()).await;
    }
    tracing::info!(data_dir = %settings.data_dir.display(), "starting the embedded PostgreSQL");
    let cluster = EmbeddedPostgres::start(&settings.data_dir, Durability::Durable).await?;
    let outcome = work(cluster.app_database_url()).await;
    tracing::info!("stopping the embedded PostgreSQL");
    let stopped = cluster.stop().await;
    outcome.and(stopped)
}

pub async fn migrate_only(settings: &Settings) -> Result<()> {
    with_database(settings, async |url| {
        let applied = db::migrate(&url).await?;
        tracing::info!(count = applied.len(), ?applied, "migrations applied");
        Ok(())
    })
    .await
}

pub async fn seed(settings: &Settings, users: usize, seed: u64) -> Result<()> {
    with_database(settings, async |url| {
        db::migrate(&url).await?;
        let pool = db::pool(&url, 2, StatementCounter::default())?;
        let started = std::time::Instant::now();
        let report = crate::seed::seed(&pool, users, seed, |so_far| {
            println!("seeded {} users ({} experiences, {} job postings)", so_far.users, so_far.experiences, so_far.job_postings);
        })
        .await?;
        println!(
            "done in {:.1} s: {} users added ({} already there), {} experiences, {} bullets, {} job postings, \
             {} applications, {} artifacts; {} organisations, {} requisitions, {} candidacies, {} interviews, \
             {} feedback, {} notifications; password `{}`, emails {} … {}",
            started.elapsed().as_secs_f64(),
            report.users,
            report.skipped,
            report.experiences,
            report.bullets,
            report.job_postings,
            report.applications,
            report.artifacts,
            report.organizations,
            report.requisitions,
            report.candidacies,
            report.interviews,
            report.feedback,
            report.notifications,
            crate::seed::PASSWORD,
            crate::seed::email(seed, 0),
            crate::seed::email(seed, users.saturating_sub(1)),
        );
        Ok(())
    })
    .await
}

pub async fn serve(settings: &Settings) -> Result<()> {
    let jwt_secret = settings.jwt_secret()?;
    with_database(settings, async |url| {
        let applied = db::migrate(&url).await?;
        if !applied.is_empty() {
            tracing::info!(?applied, "migrations applied");
        }
        let statements = StatementCounter::default();
        let pool = db::pool(&url, settings.pool_size, statements.clone())?;
        let events = EventHub::start(&url, settings.event_buffer as usize);
        let purge = crate::contacts::spawn_purge(pool.clone());
        let state = AppState::new(pool.clone(), statements, events.clone(), settings, &jwt_secret);
        let sweep = state
            .upload_files
            .uploads
            .storage
            .clone()
            .map(|storage| crate::uploads::spawn_sweep(pool, storage));
        // Read the fonts before serving, so the first PDF neither waits for them nor reads
        // them from the default directories instead of the configured ones.
        let font_dirs = settings.font_dirs.clone();
        tokio::task::spawn_blocking(move || crate::applications::pdf::use_font_dirs(font_dirs)).await?;
        let listener = tokio::net::TcpListener::bind(settings.bind)
            .await
            .with_context(|| format!("cannot listen on {}", settings.bind))?;
        tracing::info!(address = %listener.local_addr()?, "listening; GraphiQL at /graphql");
        let sockets = state.ws.clone();
        let limits = settings.connection_limits();
        // WebSockets close (with 1001, after what they have ready) as the listener stops: the
        // HTTP server's graceful shutdown does not see them once upgraded.
        let shutdown = async {
            shutdown_signal().await;
            sockets.shut_down();
        };
        crate::http_server::serve(listener, app(state), limits, shutdown).await;
        if tokio::time::timeout(limits.shutdown_grace, sockets.closed())
            .await
            .is_err()
        {
            tracing::warn!("WebSockets still open after the grace period");
        }
        events.stop();
        purge.abort();
        if let Some(sweep) = sweep {
            sweep.abort();
        }
        tracing::info!("HTTP server stopped; in-flight requests finished, WebSockets closed");
        Ok(())
    })
    .await
}

/// Resolves on SIGINT or SIGTERM: the server then stops accepting and lets in-flight requests
/// finish.
async fn shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut interrupt), Ok(mut terminate)) =
        (signal(SignalKind::interrupt()), signal(SignalKind::terminate()))
    else {
        tracing::error!("cannot listen for shutdown signals; stop the server with SIGKILL");
        return std::future::pending().await;
    };
    tokio::select! {
        _ = interrupt.recv() => tracing::info!("SIGINT received; shutting down"),
        _ = terminate.recv() => tracing::info!("SIGTERM received; shutting down"),
    }
}
