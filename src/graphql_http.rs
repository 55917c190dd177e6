//! GraphQL over HTTP, as its spec has it: a request's parameters from a POST body or a GET
//! URL, the response's media type from `Accept`, and the status code that goes with each.
//!
//! Two media types are answered. `application/json` (the default, for clients older than the
//! spec) carries every GraphQL response with 200. `application/graphql-response+json` (asked
//! for in `Accept`) says more with the status: a request error (the document does not parse or
//! validate, a variable does not coerce, a limit refuses it) is 400 and has no `data`.

use std::collections::BTreeMap;

use async_graphql::{BatchRequest, BatchResponse, Request, Response, ServerError, Value, Variables};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use serde::Serialize;
use serde_json::{Map, Value as Json};

use crate::graphql::errors;

/// The media type of a GraphQL response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Media {
    Json,
    GraphqlResponse,
}

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

/// The media ranges of the `Accept` headers, lower-cased, each with its quality.
fn accepted(headers: &HeaderMap) -> impl Iterator<Item = (String, f32)> + '_ {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|entry| {
            let mut parts = entry.split(';');
            let range = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let quality = parts
                .filter_map(|parameter| parameter.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            (range, quality)
        })
}

impl Media {
    /// `application/graphql-response+json` when the client names it (and likes it at least as
    /// much as `application/json`); `application/json` otherwise, `*/*` and no `Accept` included.
    pub fn negotiate(headers: &HeaderMap) -> Self {
        let (mut graphql, mut json) = (0.0f32, 0.0f32);
        for (range, quality) in accepted(headers) {
            match range.as_str() {
                GRAPHQL_RESPONSE => graphql = graphql.max(quality),
                "application/json" => json = json.max(quality),
                _ => {}
            }
        }
        if graphql > 0.0 && graphql >= json {
            Self::GraphqlResponse
        } else {
            Self::Json
        }
    }

    fn content_type(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Self::Json => "application/json",
            Self::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
        })
    }
}

/// Whether the client is a browser asking for a page (`Accept` names `text/html`).
pub fn wants_html(headers: &HeaderMap) -> bool {
    accepted(headers).any(|(range, quality)| range == "text/html" && quality > 0.0)
}

/// A request that cannot run as sent: 400 whatever the media type, before the engine sees it.
#[derive(Debug)]
pub struct Refused {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl Refused {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    fn bad(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "BAD_REQUEST", message)
    }
}

/// A request from its parameters: `query` a string, `operationName` a string or null,
/// `variables` and `extensions` maps or null. Other parameters are ignored, as the spec allows.
/// `query` may be left out when `extensions.persistedQuery` names the document by its hash
/// (see `graphql/persisted.rs`).
fn request(mut params: Map<String, Json>) -> Result<Request, Refused> {
    let persisted = params
        .get("extensions")
        .and_then(|extensions| extensions.get("persistedQuery"))
        .is_some();
    let mut request = match params.remove("query") {
        Some(Json::String(query)) => Request::new(query),
        Some(_) => return Err(Refused::bad("`query` must be a string")),
        None if persisted => Request::new(""),
        None => return Err(Refused::bad("the request has no `query` parameter")),
    };
    match params.remove("operationName") {
        None | Some(Json::Null) => {}
        Some(Json::String(name)) => request = request.operation_name(name),
        Some(_) => return Err(Refused::bad("`operationName` must be a string or null")),
    }
    match params.remove("variables") {
        None | Some(Json::Null) => {}
        Some(variables @ Json::Object(_)) => request = request.variables(Variables::from_json(variables)),
        Some(_) => return Err(Refused::bad("`variables` must be a map or null")),
    }
    match params.remove("extensions") {
        None | Some(Json::Null) => {}
        Some(Json::Object(extensions)) => {
            for (name, value) in extensions {
                let value = Value::from_json(value)
                    .map_err(|_| Refused::bad("`extensions` holds a value that is not GraphQL"))?;
                request.extensions.insert(name, value);
            }
        }
        Some(_) => return Err(Refused::bad("`extensions` must be a map or null")),
    }
    Ok(request)
}

/// The request (or batch, a JSON array) in a POST body.
pub fn from_body(body: &[u8], max_batch: usize) -> Result<BatchRequest, Refused> {
    if body.is_empty() {
        return Err(Refused::bad("the request has no body"));
    }
    let json: Json = serde_json::from_slice(body).map_err(|error| {
        Refused::new(
            StatusCode::BAD_REQUEST,
            "GRAPHQL_PARSE_FAILED",
            format!(
                "the body is not a GraphQL request in JSON (an object with `query`, or an array of them): \
                 line {}, column {}",
                error.line(),
                error.column()
            ),
        )
    })?;
    match json {
        Json::Object(params) => Ok(BatchRequest::Single(request(params)?)),
        Json::Array(entries) if entries.len() > max_batch => Err(Refused::new(
            StatusCode::BAD_REQUEST,
            "BAD_USER_INPUT",
            format!("a batch may hold at most {max_batch} operations"),
        )),
        Json::Array(entries) => entries
            .into_iter()
            .enumerate()
            .map(|(index, entry)| match entry {
                Json::Object(params) => request(params).map_err(|refused| Refused {
                    message: format!("batch entry {index}: {}", refused.message),
                    ..refused
                }),
                _ => Err(Refused::bad(format!("batch entry {index} is not a map"))),
            })
            .collect::<Result<_, _>>()
            .map(BatchRequest::Batch),
        _ => Err(Refused::bad(
            "the body must be a map with `query`, or an array of them",
        )),
    }
}

/// The request in a GET URL's query string: `variables` and `extensions` are JSON text.
pub fn from_url(query: Option<&str>) -> Result<Request, Refused> {
    let mut params = Map::new();
    for (name, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        let value = match name.as_ref() {
            "variables" | "extensions" => serde_json::from_str(&value)
                .map_err(|_| Refused::bad(format!("`{name}` in the URL must be JSON")))?,
            _ => Json::String(value.into_owned()),
        };
        params.insert(name.into_owned(), value);
    }
    request(params)
}

/// Whether the URL's query string has a `query` parameter, or `extensions` (which may name
/// a persisted document instead).
pub fn has_query(query: Option<&str>) -> bool {
    url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .any(|(name, _)| name == "query" || name == "extensions")
}

/// An error of the request as a whole, raised before any field ran: errors without a path and
/// no data. Fields' errors always have a path.
fn is_request_error(response: &Response) -> bool {
    response.data == Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|error| error.path.is_empty())
}

/// A response's body: async-graphql's shape, without `data` for a request error in
/// `application/graphql-response+json`.
#[derive(Serialize)]
struct Body<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a Value>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [ServerError],
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    extensions: &'a BTreeMap<String, Value>,
}

impl<'a> Body<'a> {
    fn of(media: Media, response: &'a Response) -> Self {
        let data = !(media == Media::GraphqlResponse && is_request_error(response));
        Self {
            data: data.then_some(&response.data),
            errors: &response.errors,
            extensions: &response.extensions,
        }
    }
}

fn http_response(
    media: Media,
    status: StatusCode,
    body: Result<Vec<u8>, serde_json::Error>,
) -> axum::response::Response {
    let body = body.unwrap_or_else(|error| {
        tracing::error!(error = %error, "a response did not serialise");
        br#"{"errors":[{"message":"internal server error","extensions":{"code":"INTERNAL_SERVER_ERROR"}}]}"#
            .to_vec()
    });
    let mut response = axum::response::Response::new(axum::body::Body::from(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, media.content_type());
    response
}

/// The HTTP response for a GraphQL response or batch.
pub fn respond(media: Media, response: BatchResponse) -> axum::response::Response {
    if let Some(wait) = rate_limited(&response) {
        let mut http = respond_as_is(media, response);
        *http.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        http.headers_mut().insert(header::RETRY_AFTER, wait.into());
        return http;
    }
    respond_as_is(media, response)
}

/// The seconds to wait when a request was refused whole for a rate limit: no data, and every
/// entry's errors are `RATE_LIMITED` raised before execution (no `path`; a field's own
/// throttle, the failed sign-ins', answers in a normal response).
fn rate_limited(response: &BatchResponse) -> Option<u64> {
    let responses = match response {
        BatchResponse::Single(response) => std::slice::from_ref(response),
        BatchResponse::Batch(responses) => responses.as_slice(),
    };
    let mut wait = None;
    for response in responses {
        if !matches!(response.data, async_graphql::Value::Null) || response.errors.is_empty() {
            return None;
        }
        for error in &response.errors {
            if !error.path.is_empty() {
                return None;
            }
            let extensions = error.extensions.as_ref()?;
            if extensions.get("code") != Some(&async_graphql::Value::from("RATE_LIMITED")) {
                return None;
            }
            if let Some(async_graphql::Value::Number(seconds)) = extensions.get("retryAfter") {
                wait = wait.max(seconds.as_u64());
            }
        }
    }
    wait
}

fn respond_as_is(media: Media, response: BatchResponse) -> axum::response::Response {
    match response {
        BatchResponse::Single(response) => {
            let status = if media == Media::GraphqlResponse && is_request_error(&response) {
                StatusCode::BAD_REQUEST
            } else {
                StatusCode::OK
            };
            http_response(media, status, serde_json::to_vec(&Body::of(media, &response)))
        }
        // Entries succeed and fail apart: the batch as a whole is 200.
        BatchResponse::Batch(responses) => {
            let bodies: Vec<Body> = responses
                .iter()
                .map(|response| Body::of(media, response))
                .collect();
            http_response(media, StatusCode::OK, serde_json::to_vec(&bodies))
        }
    }
}

/// The HTTP response for a request refused before it reached the engine.
pub fn refuse(media: Media, refused: Refused) -> axum::response::Response {
    let response = Response::from_errors(vec![errors::coded(refused.message, refused.code)]);
    let mut http = respond(media, BatchResponse::Single(response));
    *http.status_mut() = refused.status;
    http
}

/// How much a multipart request (GraphQL multipart request spec) may hold.
#[derive(Clone, Copy, Debug)]
pub struct MultipartLimits {
    /// The whole body, counted while it streams in.
    pub max_bytes: u64,
    /// Files (parts after `operations` and `map`).
    pub max_files: usize,
    /// The `operations` part, and the `map` part, each (as a JSON body's limit).
    pub max_operations_bytes: u64,
    /// Operations in a batch.
    pub max_batch: usize,
}

/// The headers that show a multipart POST was not sent by a plain HTML form: a browser sends
/// them across sites only after a CORS preflight. They are Apollo's (Apollo Server asks for
/// either); any non-empty value.
pub const PREFLIGHT_HEADERS: [&str; 2] = ["apollo-require-preflight", "x-apollo-operation-name"];

/// Whether the request says it is `multipart/form-data`: its boundary, or why it has none.
pub fn multipart_boundary(headers: &HeaderMap) -> Option<Result<String, Refused>> {
    let content_type = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let media = content_type.split(';').next().unwrap_or_default().trim();
    if !media.eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    Some(multer::parse_boundary(content_type).map_err(|_| Refused::bad("the multipart body has no boundary")))
}

/// Whether a multipart POST carries one of [`PREFLIGHT_HEADERS`]. A form can post
/// `multipart/form-data` to any site without a preflight, so without one a page elsewhere
/// could make a signed-in user's browser upload files (the `Authorization` header is never sent
/// by a form, but a cookie-authenticated deployment in front of this server would be open).
pub fn preflighted(headers: &HeaderMap) -> bool {
    PREFLIGHT_HEADERS.iter().any(|name| {
        headers
            .get(*name)
            .is_some_and(|value| !value.as_bytes().iter().all(u8::is_ascii_whitespace))
    })
}

fn too_large(limits: &MultipartLimits) -> Refused {
    Refused::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "PAYLOAD_TOO_LARGE",
        format!("a multipart request may hold at most {} bytes", limits.max_bytes),
    )
}

fn multipart_error(limits: &MultipartLimits, error: multer::Error) -> Refused {
    match error {
        multer::Error::StreamSizeExceeded { .. } => too_large(limits),
        multer::Error::FieldSizeExceeded { field_name, .. } => Refused::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
            format!(
                "the `{}` part may hold at most {} bytes",
                field_name.unwrap_or_default(),
                limits.max_operations_bytes
            ),
        ),
        other => Refused::bad(format!("the multipart body is malformed: {other}")),
    }
}

/// The request (or batch) in a multipart body, as the GraphQL multipart request spec has it:
/// `operations` (the JSON request with `null` where files go), then `map` (which part goes to
/// which variable paths), then the files. The body is read as it arrives and each file is
/// spooled to a temporary file, so a body over [`MultipartLimits::max_bytes`] is refused (413)
/// when its count passes the limit, without ever being held whole; a `Content-Length` over it
/// is refused before anything is read. Parts out of that order, files `map` does not name and
/// names of files that never come are refused (400).
pub async fn from_multipart(
    body: axum::body::Body,
    content_length: Option<u64>,
    boundary: String,
    limits: MultipartLimits,
) -> Result<BatchRequest, Refused> {
    use tokio::io::{AsyncSeekExt, AsyncWriteExt};

    if content_length.is_some_and(|length| length > limits.max_bytes) {
        return Err(too_large(&limits));
    }
    let constraints = multer::Constraints::new().size_limit(
        multer::SizeLimit::new()
            .whole_stream(limits.max_bytes)
            .for_field("operations", limits.max_operations_bytes)
            .for_field("map", limits.max_operations_bytes),
    );
    let mut multipart = multer::Multipart::with_constraints(body.into_data_stream(), boundary, constraints);
    let failed = |error| multipart_error(&limits, error);

    let operations = match multipart.next_field().await.map_err(failed)? {
        Some(field) if field.name() == Some("operations") => field.bytes().await.map_err(failed)?,
        _ => {
            return Err(Refused::bad(
                "the first part of a multipart request must be `operations`",
            ));
        }
    };
    let mut batch = from_body(&operations, limits.max_batch)?;
    let map = match multipart.next_field().await.map_err(failed)? {
        Some(field) if field.name() == Some("map") => field.bytes().await.map_err(failed)?,
        _ => {
            return Err(Refused::bad(
                "the second part of a multipart request must be `map`",
            ));
        }
    };
    let mut map: BTreeMap<String, Vec<String>> = serde_json::from_slice(&map).map_err(|_| {
        Refused::bad("`map` must be a JSON object from part names to arrays of variable paths")
    })?;
    if map.len() > limits.max_files {
        return Err(Refused::new(
            StatusCode::BAD_REQUEST,
            "BAD_USER_INPUT",
            format!("a request may upload at most {} files", limits.max_files),
        ));
    }
    while let Some(mut field) = multipart.next_field().await.map_err(failed)? {
        let name = field.name().unwrap_or_default().to_owned();
        let Some(paths) = map.remove(&name) else {
            return Err(Refused::bad(format!("the part `{name}` is not named in `map`")));
        };
        let filename = field.file_name().unwrap_or(&name).to_owned();
        let content_type = field.content_type().map(ToString::to_string);
        let spool_failed = |error: std::io::Error| {
            tracing::error!(%error, "cannot spool an upload to a temporary file");
            Refused::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL_SERVER_ERROR",
                "the upload could not be stored",
            )
        };
        let mut file = tokio::fs::File::from_std(tempfile::tempfile().map_err(spool_failed)?);
        while let Some(chunk) = field.chunk().await.map_err(failed)? {
            file.write_all(&chunk).await.map_err(spool_failed)?;
        }
        file.flush().await.map_err(spool_failed)?;
        file.rewind().await.map_err(spool_failed)?;
        let file = file.into_std().await;
        for path in paths {
            let upload = async_graphql::UploadValue {
                filename: filename.clone(),
                content_type: content_type.clone(),
                content: file.try_clone().map_err(spool_failed)?,
            };
            set_upload(&mut batch, &path, upload)?;
        }
    }
    if let Some(missing) = map.keys().next() {
        return Err(Refused::bad(format!(
            "`map` names the part `{missing}`, which the request does not hold"
        )));
    }
    Ok(batch)
}

/// Puts a file where `path` (`variables.input.file`, or `0.variables.file` in a batch) says.
fn set_upload(
    batch: &mut BatchRequest,
    path: &str,
    upload: async_graphql::UploadValue,
) -> Result<(), Refused> {
    let (request, path) = match batch {
        BatchRequest::Single(request) => (request, path),
        BatchRequest::Batch(requests) => {
            let (index, rest) = path.split_once('.').unwrap_or((path, ""));
            let request = index
                .parse::<usize>()
                .ok()
                .and_then(|index| requests.get_mut(index))
                .ok_or_else(|| {
                    Refused::bad(format!(
                        "`map` names `{path}`, which is no operation of the batch"
                    ))
                })?;
            (request, rest)
        }
    };
    if !path.starts_with("variables.") {
        return Err(Refused::bad(format!(
            "`map` names `{path}`, which is not under `variables`"
        )));
    }
    request.set_upload(path, upload);
    Ok(())
}
