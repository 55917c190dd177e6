//! `GET /exports/{id}/download`: a finished export's file, for its owner only, until it
//! expires. Another user's job, a malformed id and a missing one all read as 404; an expired
//! one as 410 Gone (the server deletes its file).

use async_graphql::ID;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;

use super::ExportFiles;
use super::enums::ExportStatus;
use super::store;
use crate::graphql::ids::{NodeType, decode_as};

fn status(code: StatusCode, message: &'static str) -> Response {
    (code, message).into_response()
}

fn failed(error: &dyn std::fmt::Debug) -> Response {
    tracing::error!(?error, "cannot serve an export");
    status(StatusCode::INTERNAL_SERVER_ERROR, "internal server error")
}

pub async fn download(
    State(files): State<ExportFiles>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let who = match files.services.http_user(&headers) {
        Ok(who) => who,
        Err(refused) => return *refused,
    };
    let Ok(job_id) = decode_as(&ID(id), NodeType::ExportJob, "id") else {
        return status(StatusCode::NOT_FOUND, "export not found");
    };
    let Some(storage) = &files.storage else {
        return status(StatusCode::SERVICE_UNAVAILABLE, "file storage is unavailable");
    };
    let Ok(mut conn) = files.services.pool.get().await else {
        return status(
            StatusCode::SERVICE_UNAVAILABLE,
            "the database is unavailable; retry later",
        );
    };
    let job = match store::job_of(&mut conn, who, job_id).await {
        Ok(Some(job)) => job,
        Ok(None) => return status(StatusCode::NOT_FOUND, "export not found"),
        Err(error) => return failed(&error),
    };
    if job.status != ExportStatus::Done {
        return status(
            StatusCode::CONFLICT,
            "the export is not done; follow exportProgress",
        );
    }
    if job.expires_at.is_none_or(|expires| expires <= Utc::now()) || job.purged_at.is_some() {
        return status(StatusCode::GONE, "the export expired; request it again");
    }
    let Some(key) = &job.object_key else {
        return status(StatusCode::GONE, "the export expired; request it again");
    };
    let bytes = match storage.get(key).await {
        Ok(Some(bytes)) => bytes,
        // Deleted between the read and now: it just expired.
        Ok(None) => return status(StatusCode::GONE, "the export expired; request it again"),
        Err(error) => return failed(&error),
    };
    if let Err(error) = store::mark_downloaded(&mut conn, who, job.id).await {
        return failed(&error);
    }
    let file_name = job.file_name.as_deref().unwrap_or("export");
    (
        [
            (
                header::CONTENT_TYPE,
                job.content_type
                    .clone()
                    .unwrap_or_else(|| job.format.content_type().to_owned()),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}
