//! `GET /artifacts/{id}/pdf`: an artifact as a PDF, for whoever the access policy lets read it.
//! Each artifact (one version of a document) is rendered on its first download and the PDF
//! kept (`artifact_pdfs`), so what was sent stays what it was and a download costs a read.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use async_graphql::ID;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::pdf::{PdfContent, render};
use super::store::{self, ArtifactRow};
use crate::access::Principal;
use crate::graphql::context::Services;
use crate::graphql::ids::{NodeType, decode_as};
use uuid::Uuid;

fn status(code: StatusCode, message: &'static str) -> Response {
    (code, message).into_response()
}

pub async fn artifact_pdf(
    State(services): State<Services>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let who = match services.http_user(&headers) {
        Ok(who) => who,
        Err(refused) => return *refused,
    };
    // Another user's artifact, a malformed id and a missing one all read as 404.
    let Ok(artifact_id) = decode_as(&ID(id), NodeType::Artifact, "id") else {
        return status(StatusCode::NOT_FOUND, "artifact not found");
    };
    let Ok(mut conn) = services.pool.get().await else {
        return status(
            StatusCode::SERVICE_UNAVAILABLE,
            "the database is unavailable; retry later",
        );
    };
    let artifact = match store::artifact_of(&mut conn, who, artifact_id).await {
        Ok(Some(artifact)) => artifact,
        Ok(None) => return status(StatusCode::NOT_FOUND, "artifact not found"),
        Err(error) => return failed(&error),
    };
    drop(conn);
    match pdf_of(&services, who, &artifact).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "application/pdf".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!(
                        "inline; filename=\"{}-v{}.pdf\"",
                        artifact.kind.as_str(),
                        artifact.version
                    ),
                ),
                // A version never changes: a client may keep it as long as it likes.
                (
                    header::CACHE_CONTROL,
                    "private, max-age=31536000, immutable".to_owned(),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(response) => response,
    }
}

fn failed(error: &dyn std::fmt::Debug) -> Response {
    tracing::error!(?error, "cannot serve an artifact's PDF");
    status(StatusCode::INTERNAL_SERVER_ERROR, "internal server error")
}

/// Renders waiting for one artifact on this server copy: concurrent first downloads of an
/// artifact render it once, and the others read what it stored.
fn render_lock(artifact_id: Uuid) -> Arc<tokio::sync::Mutex<()>> {
    static LOCKS: OnceLock<Mutex<HashMap<Uuid, Arc<tokio::sync::Mutex<()>>>>> = OnceLock::new();
    let mut locks = LOCKS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    // Locks no one holds or waits for are dropped, so the map stays as small as the
    // downloads in flight.
    locks.retain(|_, lock| Arc::strong_count(lock) > 1);
    locks.entry(artifact_id).or_default().clone()
}

/// The artifact's PDF: the one kept from its first download, or rendered now and kept.
async fn pdf_of(services: &Services, who: Principal, artifact: &ArtifactRow) -> Result<Vec<u8>, Response> {
    let unavailable = |_| {
        status(
            StatusCode::SERVICE_UNAVAILABLE,
            "the database is unavailable; retry later",
        )
    };
    let lock = render_lock(artifact.id);
    let _rendering = lock.lock().await;
    let mut conn = services.pool.get().await.map_err(unavailable)?;
    if let Some(bytes) = store::stored_pdf(&mut conn, who, artifact.id)
        .await
        .map_err(|error| failed(&error))?
    {
        return Ok(bytes);
    }
    let (candidate, role, company) = store::title_block(&mut conn, who, artifact.application_id)
        .await
        .map_err(|error| failed(&error))?
        .ok_or_else(|| status(StatusCode::NOT_FOUND, "artifact not found"))?;
    drop(conn);
    let (kind, version, content) = (artifact.kind, artifact.version, artifact.content.clone());
    // Rendering is CPU work: keep it off the async threads.
    let bytes = tokio::task::spawn_blocking(move || {
        render(&PdfContent {
            candidate: candidate.as_deref(),
            role: &role,
            company: &company,
            kind,
            version,
            content: &content,
        })
    })
    .await
    .map_err(|error| failed(&error))?
    .map_err(|error| failed(&error))?;
    let mut conn = services.pool.get().await.map_err(unavailable)?;
    store::store_pdf(&mut conn, artifact, &bytes)
        .await
        .map_err(|error| failed(&error))?;
    Ok(bytes)
}
