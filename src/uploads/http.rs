//! `GET /uploads/{id}/download` and `GET /uploads/{id}/thumbnail`: an uploaded file, served to
//! whoever the access policy lets read its row (its owner; a profile photo also to the
//! organisations the owner shares their record with). Anyone else, a malformed id and a
//! missing one all read as 404. The media type is the one its bytes were found to be, never
//! the uploader's claim; documents are attachments, photos inline; `nosniff` and a sandboxing
//! CSP keep a browser from running anything in them. A file never changes under its id, so
//! its SHA-256 is its `ETag` and a revalidation answers 304.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::UploadFiles;
use super::enums::DocumentCategory;
use super::store;
use crate::graphql::ids::{NodeType, decode_as};

/// How long a browser may keep a file without asking again: short, since access can end (a
/// share revoked, a file deleted), and cheap to revalidate.
const CACHE_CONTROL: &str = "private, max-age=300, must-revalidate";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Variant {
    File,
    Thumbnail,
}

fn status(code: StatusCode, message: &'static str) -> Response {
    (code, message).into_response()
}

fn failed(error: &dyn std::fmt::Debug) -> Response {
    tracing::error!(?error, "cannot serve an uploaded file");
    status(StatusCode::INTERNAL_SERVER_ERROR, "internal server error")
}

pub async fn download(
    State(files): State<UploadFiles>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    serve(files, id, headers, Variant::File).await
}

pub async fn thumbnail(
    State(files): State<UploadFiles>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    serve(files, id, headers, Variant::Thumbnail).await
}

/// `Content-Disposition` with the name both as plain ASCII (quotes and backslashes dropped)
/// and, for any other character, as RFC 8187's `filename*`.
fn disposition(kind: &str, name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii() && !c.is_ascii_control() && c != '"' && c != '\\' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = url::form_urlencoded::byte_serialize(name.as_bytes())
        .collect::<String>()
        .replace('+', "%20");
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

async fn serve(files: UploadFiles, id: String, headers: HeaderMap, variant: Variant) -> Response {
    let who = match files.services.http_user(&headers) {
        Ok(who) => who,
        Err(refused) => return *refused,
    };
    let Ok(document_id) = decode_as(&async_graphql::ID(id), NodeType::UploadedDocument, "id") else {
        return status(StatusCode::NOT_FOUND, "file not found");
    };
    let Some(storage) = &files.uploads.storage else {
        return status(StatusCode::SERVICE_UNAVAILABLE, "file storage is unavailable");
    };
    let Ok(mut conn) = files.services.pool.get().await else {
        return status(
            StatusCode::SERVICE_UNAVAILABLE,
            "the database is unavailable; retry later",
        );
    };
    let document = match store::document_of(&mut conn, who, document_id).await {
        Ok(Some(document)) => document,
        Ok(None) => return status(StatusCode::NOT_FOUND, "file not found"),
        Err(error) => return failed(&error),
    };
    drop(conn);
    let (key, etag) = match variant {
        Variant::File => (&document.storage_key, format!("\"{}\"", document.sha256)),
        Variant::Thumbnail => match &document.thumbnail_key {
            Some(key) => (key, format!("\"{}-thumbnail\"", document.sha256)),
            None => return status(StatusCode::NOT_FOUND, "this file has no thumbnail"),
        },
    };
    let cache = [
        (header::ETAG, etag.clone()),
        (header::CACHE_CONTROL, CACHE_CONTROL.to_owned()),
        (header::VARY, "Authorization".to_owned()),
    ];
    let unchanged = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|tag| tag.trim() == etag || tag.trim() == "*");
    if unchanged {
        return (StatusCode::NOT_MODIFIED, cache).into_response();
    }
    let bytes = match storage.get(key).await {
        Ok(Some(bytes)) => bytes,
        // Deleted between the read and now.
        Ok(None) => return status(StatusCode::NOT_FOUND, "file not found"),
        Err(error) => return failed(&error),
    };
    let kind = if document.category == DocumentCategory::Photo {
        "inline"
    } else {
        "attachment"
    };
    let name = match variant {
        Variant::File => document.original_filename.clone(),
        Variant::Thumbnail => format!("thumbnail-{}", document.original_filename),
    };
    let mut response = (cache, bytes).into_response();
    let response_headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&document.mime_type) {
        response_headers.insert(header::CONTENT_TYPE, value);
    }
    if let Ok(value) = HeaderValue::from_str(&disposition(kind, &name)) {
        response_headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response_headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response_headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    response
}
