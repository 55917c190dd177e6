//! The HTTP surface: routes, middleware and the GraphQL transports.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use async_graphql::parser::types::OperationType;
use async_graphql::{BatchRequest, BatchResponse, Executor};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRef, FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, Request, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::RequestBodyTimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::applications::events::EventHub;
use crate::config::Settings;
use crate::db::{self, DbPool, StatementCounter};
use crate::exports::ExportFiles;
use crate::exports::runner::{self as export_runner, RunnerSettings};
use crate::graphql::context::{Auth, RequestAuth, Services, bearer_auth};
use crate::graphql::limits::{self, DocumentLimits};
use crate::graphql::loaders::{BatchSpawner, request_batches};
use crate::graphql::persisted::Persisted;
use crate::graphql::rate::{Budget, RateLimits};
use crate::graphql_http::{self, Media, MultipartLimits, Refused, refuse};
use crate::metrics::Metrics;
use crate::schema::{self, AppSchema, Disclosure, Limits, ReportCost};
use crate::tokens::TokenKeys;
use crate::uploads::{UploadFiles, Uploads};
pub use crate::ws::TOKEN_EXPIRED_CLOSE_CODE;
use crate::ws::{Sockets, WsState};

/// Everything the routes share. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub schema: AppSchema,
    pub pool: DbPool,
    pub keys: Arc<TokenKeys>,
    pub statements: StatementCounter,
    pub http: HttpLimits,
    pub ws: Arc<Sockets>,
    /// The request budgets (`--rate-limit-*`).
    pub rate: Arc<RateLimits>,
    /// None only if the metrics could not be set up (logged at startup).
    pub metrics: Option<Arc<Metrics>>,
    /// The event hub the schema reads, for its counters in `/metrics`.
    pub events: EventHub,
    /// The export files (the runner itself runs on its own).
    pub export_files: ExportFiles,
    /// Uploaded files, for their download routes.
    pub upload_files: UploadFiles,
}

#[derive(Clone, Debug)]
pub struct HttpLimits {
    pub cors_origins: Vec<String>,
    pub max_body_bytes: usize,
    pub max_batch: usize,
    pub graphiql: bool,
    pub body_timeout: Duration,
    /// What a multipart (file upload) POST may hold.
    pub multipart: MultipartLimits,
}

impl AppState {
    pub fn new(
        pool: DbPool,
        statements: StatementCounter,
        events: EventHub,
        settings: &Settings,
        jwt_secret: &[u8],
    ) -> Self {
        let keys = Arc::new(
            TokenKeys::new(jwt_secret, settings.access_ttl(), settings.refresh_ttl())
                .with_revocations(events.revocations()),
        );
        let storage = settings
            .storage()
            .inspect_err(
                |error| tracing::error!(%error, "cannot set up file storage; exports and uploads are off"),
            )
            .ok();
        let uploads = Uploads {
            storage: storage.clone(),
            max_document_bytes: settings.max_document_bytes,
        };
        if let Some(storage) = &storage {
            export_runner::start(
                pool.clone(),
                events.clone(),
                storage.clone(),
                RunnerSettings {
                    workers: settings.export_workers,
                    ttl_seconds: settings.export_ttl,
                },
            );
        }
        let schema = schema::build(
            Services {
                pool: pool.clone(),
                keys: keys.clone(),
            },
            events.clone(),
            Limits {
                document: DocumentLimits {
                    depth: settings.max_depth,
                    fields: settings.max_fields,
                    cost: settings.max_cost,
                    aliases: settings.max_aliases,
                    root_fields: settings.max_root_fields,
                    directives: settings.max_directives,
                },
                errors: settings.max_errors as usize,
            },
            uploads.clone(),
            Disclosure {
                introspection: settings.introspection,
                field_suggestions: settings.field_suggestions,
            },
            Persisted::new(
                pool.clone(),
                settings
                    .trusted_documents
                    .as_ref()
                    .map(|documents| documents.0.clone()),
            ),
        );
        let upload_files = UploadFiles {
            services: Services {
                pool: pool.clone(),
                keys: keys.clone(),
            },
            uploads,
        };
        let export_files = ExportFiles {
            services: Services {
                pool: pool.clone(),
                keys: keys.clone(),
            },
            storage,
        };
        Self {
            export_files,
            upload_files,
            schema,
            pool,
            keys,
            statements,
            http: HttpLimits {
                cors_origins: settings.cors_origins.clone(),
                max_body_bytes: settings.max_body_bytes,
                max_batch: settings.max_batch,
                graphiql: settings.graphiql,
                body_timeout: Duration::from_secs(settings.body_timeout),
                multipart: MultipartLimits {
                    max_bytes: settings.max_upload_bytes,
                    max_files: settings.max_upload_files as usize,
                    max_operations_bytes: settings.max_body_bytes as u64,
                    max_batch: settings.max_batch,
                },
            },
            ws: Arc::new(Sockets::new(settings.ws_settings())),
            rate: Arc::new(RateLimits::new(
                settings.rate_limit_credentials,
                settings.rate_limit_cost,
            )),
            metrics: Metrics::new()
                .inspect_err(|error| tracing::error!(%error, "cannot set up the metrics"))
                .ok()
                .map(Arc::new),
            events,
        }
    }

    /// The services the handlers that authenticate on their own share.
    pub fn services(&self) -> Services {
        Services {
            pool: self.pool.clone(),
            keys: self.keys.clone(),
        }
    }

    /// Decides who an `Authorization` header (if any) belongs to.
    pub fn auth(&self, authorization: Option<&str>) -> Auth {
        bearer_auth(&self.keys, authorization)
    }

    fn authenticate(&self, headers: &HeaderMap, spawner: BatchSpawner) -> RequestAuth {
        let value = |name: HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
        RequestAuth::new(self.auth(value(header::AUTHORIZATION)), &self.pool, spawner)
            .with_user_agent(value(header::USER_AGENT))
            .with_request_id(value(HeaderName::from_static("x-request-id")))
    }
}

impl FromRef<AppState> for Services {
    fn from_ref(state: &AppState) -> Self {
        state.services()
    }
}

impl FromRef<AppState> for ExportFiles {
    fn from_ref(state: &AppState) -> Self {
        state.export_files.clone()
    }
}

impl FromRef<AppState> for UploadFiles {
    fn from_ref(state: &AppState) -> Self {
        state.upload_files.clone()
    }
}

impl FromRef<AppState> for WsState {
    fn from_ref(state: &AppState) -> Self {
        WsState {
            services: state.services(),
            schema: state.schema.clone(),
            sockets: state.ws.clone(),
        }
    }
}

/// The application's router, used by the server and by the tests alike.
pub fn app(state: AppState) -> Router {
    let cors = cors_layer(&state.http.cors_origins);
    let body_limit = state.http.max_body_bytes;
    Router::new()
        .route("/graphql", get(graphql_get).post(graphql_post))
        .route("/graphql/ws", get(crate::ws::upgrade))
        .route("/graphiql/assets/{tag}/{name}", get(graphiql_asset))
        .route("/artifacts/{id}/pdf", get(crate::applications::http::artifact_pdf))
        .route("/exports/{id}/download", get(crate::exports::http::download))
        .route("/uploads/{id}/download", get(crate::uploads::http::download))
        .route("/uploads/{id}/thumbnail", get(crate::uploads::http::thumbnail))
        .route("/health/live", get(|| async { "ok" }))
        .route("/health/ready", get(ready))
        .route("/metrics", get(metrics))
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(RequestBodyTimeoutLayer::new(state.http.body_timeout))
        .layer(
            ServiceBuilder::new()
                .layer(axum::middleware::map_request(drop_unfit_request_id))
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
                .layer(PropagateRequestIdLayer::x_request_id())
                .layer(TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                    let id = request
                        .headers()
                        .get("x-request-id")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    tracing::info_span!("request", id, method = %request.method(), path = request.uri().path())
                }))
                .layer(CatchPanicLayer::new())
                .layer(cors),
        )
        .with_state(state)
}

fn cors_layer(origins: &[String]) -> CorsLayer {
    let allow_origin = if origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(
            origins
                .iter()
                .filter_map(|o| HeaderValue::from_str(o.trim()).ok()),
        )
    };
    CorsLayer::new()
        .allow_origin(allow_origin)
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            HeaderName::from_static(COST_HEADER),
            HeaderName::from_static(graphql_http::PREFLIGHT_HEADERS[0]),
            HeaderName::from_static(graphql_http::PREFLIGHT_HEADERS[1]),
        ])
        .max_age(Duration::from_secs(3600))
}

/// GraphiQL with its assets from this server (`graphiql.rs`), unless `--graphiql false`.
fn graphiql(state: &AppState, headers: &HeaderMap) -> Response {
    if !state.http.graphiql {
        return (StatusCode::NOT_FOUND, "GraphiQL is turned off on this server").into_response();
    }
    crate::graphiql::page(headers)
}

async fn graphiql_asset(State(state): State<AppState>, path: Path<(String, String)>) -> Response {
    if !state.http.graphiql {
        return (StatusCode::NOT_FOUND, "GraphiQL is turned off on this server").into_response();
    }
    crate::graphiql::asset(path)
}

/// The longest client-sent `x-request-id` kept; longer ones, or ones with anything but
/// letters, digits, `-`, `_` and `.`, are replaced by a fresh id (they end up in every log
/// line and in the response).
const MAX_REQUEST_ID: usize = 64;

async fn drop_unfit_request_id(mut request: Request<axum::body::Body>) -> Request<axum::body::Body> {
    let fit = request.headers().get("x-request-id").is_none_or(|value| {
        let value = value.as_bytes();
        !value.is_empty()
            && value.len() <= MAX_REQUEST_ID
            && value
                .iter()
                .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.'))
    });
    if !fit {
        request.headers_mut().remove("x-request-id");
    }
    request
}

/// Whether a POST says its body is JSON. Only such a request runs: a browser sends JSON
/// across sites only after a CORS preflight, while a plain form (`text/plain`, urlencoded or
/// multipart) needs none, so accepting any body would let any site run mutations.
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .map(|media| media.trim().to_ascii_lowercase())
        .is_some_and(|media| media == "application/json" || media == "application/graphql-response+json")
}

/// `GET /graphql`: a query in the URL (never a mutation: a link or an image must not change
/// anything), or GraphiQL for a browser that asks for a page without one.
async fn graphql_get(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    if !graphql_http::has_query(uri.query()) && graphql_http::wants_html(&headers) {
        return graphiql(&state, &headers);
    }
    let media = Media::negotiate(&headers);
    let mut request = match graphql_http::from_url(uri.query()) {
        Ok(request) => request,
        Err(refused) => return refuse(media, refused),
    };
    // A hash names the document, which must be known before it can be told a query.
    if let Err(error) = state.schema.resolve_persisted(&mut request).await {
        let response = async_graphql::Response::from_errors(vec![error]);
        return graphql_http::respond(media, BatchResponse::Single(response));
    }
    let operation_name = request.operation_name.clone();
    // A document that does not parse is the engine's to report, as for a POST.
    if let Ok(document) = request.parsed_query()
        && limits::selected(document, operation_name.as_deref())
            .is_some_and(|operation| operation.node.ty == OperationType::Mutation)
    {
        let mut response = refuse(
            media,
            Refused::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "BAD_REQUEST",
                "mutations run only with POST",
            ),
        );
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    execute(&state, &headers, address, media, BatchRequest::Single(request)).await
}

/// `POST /graphql`: a JSON body, or a multipart one carrying files (GraphQL multipart request
/// spec), which must also carry a preflight header (see [`graphql_http::preflighted`]).
async fn graphql_post(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    request: Request<axum::body::Body>,
) -> Response {
    let headers = request.headers().clone();
    let media = Media::negotiate(&headers);
    if let Some(boundary) = graphql_http::multipart_boundary(&headers) {
        let boundary = match boundary {
            Ok(boundary) => boundary,
            Err(refused) => return refuse(media, refused),
        };
        if !graphql_http::preflighted(&headers) {
            let message = "a multipart request must carry an `Apollo-Require-Preflight` (or \
                           `x-apollo-operation-name`) header, which a plain HTML form cannot send";
            return refuse(
                media,
                Refused::new(StatusCode::BAD_REQUEST, "BAD_REQUEST", message),
            );
        }
        let content_length = headers
            .get(header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.parse::<u64>().ok());
        let read = graphql_http::from_multipart(
            request.into_body(),
            content_length,
            boundary,
            state.http.multipart,
        )
        .await;
        return match read {
            Ok(batch) => execute(&state, &headers, address, media, batch).await,
            Err(refused) => refuse(media, refused),
        };
    }
    // As a JSON body: buffered under `DefaultBodyLimit` (`--max-body-bytes`).
    let body = <Bytes as axum::extract::FromRequest<AppState>>::from_request(request, &state).await;
    let body = match body {
        Ok(body) => body,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            let message = format!("the request body exceeds {} bytes", state.http.max_body_bytes);
            return refuse(
                media,
                Refused::new(StatusCode::PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE", message),
            );
        }
        Err(rejection) => {
            return refuse(
                media,
                Refused::new(rejection.status(), "BAD_REQUEST", rejection.body_text()),
            );
        }
    };
    if !is_json(&headers) {
        return refuse(
            media,
            Refused::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "BAD_REQUEST",
                "POST /graphql takes `Content-Type: application/json`",
            ),
        );
    }
    match graphql_http::from_body(&body, state.http.max_batch) {
        Ok(batch) => execute(&state, &headers, address, media, batch).await,
        Err(refused) => refuse(media, refused),
    }
}

/// The client's IP address, when the request came over TCP (the tests' router has none).
pub struct ClientAddress(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let address = parts.extensions.get::<ConnectInfo<SocketAddr>>();
        Ok(Self(address.map(|ConnectInfo(address)| address.ip())))
    }
}

/// The request header that asks for each response's cost in `extensions.cost` (any value).
pub const COST_HEADER: &str = "x-query-cost";

/// Runs a request or batch as the `Authorization` header's principal.
async fn execute(
    state: &AppState,
    headers: &HeaderMap,
    address: Option<IpAddr>,
    media: Media,
    batch: BatchRequest,
) -> Response {
    let report_cost = headers.contains_key(COST_HEADER);
    let budget = (!state.rate.is_off()).then(|| {
        let authorization = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
        let user = match state.auth(authorization) {
            Auth::User(access) => Some(access.user_id),
            Auth::Anonymous | Auth::Refused(_) => None,
        };
        Budget {
            limits: state.rate.clone(),
            user,
            address,
        }
    });
    let prepare = |request: async_graphql::Request, spawner| {
        let request = request.data(state.authenticate(headers, spawner));
        let request = match &budget {
            Some(budget) => request.data(budget.clone()),
            None => request,
        };
        if report_cost {
            request.data(ReportCost)
        } else {
            request
        }
    };
    let started = std::time::Instant::now();
    let mut batch = batch;
    let operations: Vec<String> = match (&state.metrics, &mut batch) {
        (None, _) => Vec::new(),
        (Some(metrics), BatchRequest::Single(request)) => vec![metrics.operation_label(request)],
        (Some(metrics), BatchRequest::Batch(requests)) => requests
            .iter_mut()
            .map(|request| metrics.operation_label(request))
            .collect(),
    };
    let (spawner, batches) = request_batches();
    let response = match batch {
        BatchRequest::Single(request) => {
            let request = prepare(request, spawner);
            BatchResponse::Single(batches.drive(state.schema.execute(request)).await)
        }
        BatchRequest::Batch(requests) => {
            let requests = requests
                .into_iter()
                .map(|request| prepare(request, spawner.clone()))
                .collect();
            let executed = state.schema.execute_batch(BatchRequest::Batch(requests));
            batches.drive(executed).await
        }
    };
    if let Some(metrics) = &state.metrics {
        let responses = match &response {
            BatchResponse::Single(response) => std::slice::from_ref(response),
            BatchResponse::Batch(responses) => responses.as_slice(),
        };
        let codes = responses
            .iter()
            .flat_map(|response| &response.errors)
            .map(
                |error| match error.extensions.as_ref().and_then(|e| e.get("code")) {
                    Some(async_graphql::Value::String(code)) => code.as_str(),
                    _ => "NONE",
                },
            );
        metrics.observe(&operations, started.elapsed(), codes);
    }
    graphql_http::respond(media, response)
}

async fn ready(State(state): State<AppState>) -> (StatusCode, &'static str) {
    if db::is_ready(&state.pool).await {
        (StatusCode::OK, "ready")
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            "database unreachable or not migrated",
        )
    }
}

/// Counters in the Prometheus text format.
async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let pool = state.pool.status();
    let graphql = state
        .metrics
        .as_ref()
        .map(|metrics| metrics.render(pool))
        .unwrap_or_default();
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        format!(
            "# HELP careergraph_sql_statements_total SQL statements sent to PostgreSQL.\n\
             # TYPE careergraph_sql_statements_total counter\n\
             careergraph_sql_statements_total {}\n\
             # HELP careergraph_db_pool_connections Open database connections.\n\
             # TYPE careergraph_db_pool_connections gauge\n\
             careergraph_db_pool_connections {}\n\
             # HELP careergraph_subscription_events_missed_total Broadcast events that subscribers fell too far behind to receive (each such subscription ended with an error).\n\
             # TYPE careergraph_subscription_events_missed_total counter\n\
             careergraph_subscription_events_missed_total {}\n\
             {}{}",
            state.statements.get(),
            pool.size,
            state.events.missed_events(),
            state.ws.metrics(),
            graphql,
        ),
    )
}
