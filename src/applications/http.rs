//! `GET /artifacts/{id}/pdf`: an artifact as a PDF, for whoever the access policy lets read it.

use async_graphql::ID;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::pdf::{PdfContent, render};
use super::store;
use crate::access::Principal;
use crate::graphql::context::{Auth, Services};
use crate::graphql::ids::{NodeType, decode_as};
use crate::tokens::Access;

fn status(code: StatusCode, message: &'static str) -> Response {
    (code, message).into_response()
}

pub async fn artifact_pdf(
    State(services): State<Services>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok());
    let Auth::User(Access { user_id, .. }) = services.auth(authorization) else {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            "send a valid `Authorization: Bearer <accessToken>`",
        )
            .into_response();
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
    let who = Principal::user(user_id);
    let found = match store::artifact_of(&mut conn, who, artifact_id).await {
        Ok(Some(artifact)) => store::title_block(&mut conn, who, artifact.application_id)
            .await
            .map(|title| title.map(|title| (artifact, title))),
        Ok(None) => Ok(None),
        Err(error) => Err(error),
    };
    drop(conn);
    let (artifact, (candidate, role, company)) = match found {
        Ok(Some(found)) => found,
        Ok(None) => return status(StatusCode::NOT_FOUND, "artifact not found"),
        Err(error) => {
            tracing::error!(%error, "cannot load an artifact for its PDF");
            return status(StatusCode::INTERNAL_SERVER_ERROR, "internal server error");
        }
    };
    // Rendering is CPU work: keep it off the async threads.
    let rendered = tokio::task::spawn_blocking(move || {
        render(&PdfContent {
            candidate: candidate.as_deref(),
            role: &role,
            company: &company,
            kind: artifact.kind,
            version: artifact.version,
            content: &artifact.content,
        })
    })
    .await;
    match rendered {
        Ok(Ok(bytes)) => (
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
            ],
            bytes,
        )
            .into_response(),
        _ => status(StatusCode::INTERNAL_SERVER_ERROR, "internal server error"),
    }
}
