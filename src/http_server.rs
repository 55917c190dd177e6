//! Accepting connections: at most so many at once, each cut off when its client is too slow.
//!
//! axum::serve keeps any connection for as long as the client likes: one that sends a header
//! byte a second is never closed, and with the open-file limit reached new clients get no
//! answer at all. This loop caps the connections it holds (a client beyond the cap waits in
//! the listen backlog until one ends) and closes one whose request headers — the first
//! request's, or the next one's on a kept-alive connection — do not arrive in time.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// A place among the connections the server holds, freed when its last holder drops it.
#[derive(Clone)]
pub struct ConnectionSlot {
    _permit: Arc<tokio::sync::OwnedSemaphorePermit>,
}

/// How long and how many connections may stay.
#[derive(Clone, Copy, Debug)]
pub struct ConnectionLimits {
    /// Most connections held at once (WebSockets included).
    pub max_connections: usize,
    /// Time a client has to send a request's headers, and the idle time a kept-alive
    /// connection may wait for its next request.
    pub header_timeout: Duration,
    /// Time in-flight requests get to finish at shutdown.
    pub shutdown_grace: Duration,
}

/// Serves `router` on `listener` until `shutdown` resolves, then lets in-flight connections
/// finish (for at most the grace period).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    // HTTP/1 only: telling HTTP/2 apart waits for a 24-byte preface with no timeout of its
    // own, and browsers speak HTTP/2 only over TLS, which a proxy in front terminates.
    let mut builder = auto::Builder::new(TokioExecutor::new()).http1_only();
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, most likely: wait for one to be freed.
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        stream.set_nodelay(true).ok();
        // Each request carries the slot, so a WebSocket it upgrades to keeps the slot taken
        // after the HTTP connection itself has ended.
        let slot = ConnectionSlot {
            _permit: Arc::new(slot),
        };
        let service = TowerToHyperService::new(router.clone().map_request({
            let slot = slot.clone();
            move |mut request: axum::http::Request<hyper::body::Incoming>| {
                request.extensions_mut().insert(slot.clone());
                // What axum's ConnectInfo reads: the WebSocket limit per address counts by it.
                request.extensions_mut().insert(ConnectInfo(peer));
                request
            }
        }));
        let (builder, watcher) = (builder.clone(), graceful.watcher());
        let header_timeout = limits.header_timeout;
        tokio::spawn(async move {
            // hyper's header timeout starts once the protocol is told from the first bytes:
            // a client that sends nothing at all is timed here.
            let mut first = [0u8; 1];
            if !matches!(
                tokio::time::timeout(header_timeout, stream.peek(&mut first)).await,
                Ok(Ok(1))
            ) {
                return;
            }
            let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
            if let Err(error) = watcher.watch(connection.into_owned()).await {
                tracing::debug!(%error, "a connection ended with an error");
            }
            drop(slot);
        });
    }
    drop(listener);
    if tokio::time::timeout(limits.shutdown_grace, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("connections still open after the grace period; closing them");
    }
}
