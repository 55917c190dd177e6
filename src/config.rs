//! Settings, from flags or the environment (flags win).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use rand::TryRngCore;

#[derive(Debug, Parser)]
#[command(
    name = "careergraph",
    version,
    about = "GraphQL API server for a person's career graph"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub settings: Settings,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the API server (the default). Applies pending migrations first.
    Serve,
    /// Apply pending migrations and exit.
    Migrate,
    /// Print the GraphQL schema (SDL) to stdout; `schema.graphql` is this output.
    ExportSchema,
    /// Add deterministic, realistic users with their whole record (for benchmarks and demos).
    /// Every seeded user signs in with the password `careergraph-seed`.
    Seed {
        /// How many users (user numbers 0 to N-1; those already there are kept).
        #[arg(long, default_value_t = 10)]
        users: usize,
        /// Chooses the data: the same seed always gives the same users and records.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

/// Where Debian's `fonts-noto-core`, `fonts-noto-cjk` and `fonts-symbola` put their files.
pub const DEFAULT_FONT_DIRS: &[&str] = &[
    "/usr/share/fonts/truetype/noto",
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/truetype/ancient-scripts",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// PostgreSQL connection string (URL or key=value form). Without it, an embedded
    /// PostgreSQL cluster is created and run under the data directory.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,

    /// Where the embedded database and the generated JWT secret live.
    #[arg(long, env = "CAREERGRAPH_DATA_DIR", default_value = "./.data", global = true)]
    pub data_dir: PathBuf,

    /// Address and port to listen on.
    #[arg(
        long,
        env = "CAREERGRAPH_BIND",
        default_value = "127.0.0.1:8000",
        global = true
    )]
    pub bind: SocketAddr,

    /// Maximum database connections in the pool.
    #[arg(long, env = "CAREERGRAPH_POOL_SIZE", default_value_t = 16, global = true)]
    pub pool_size: usize,

    /// Secret that signs access tokens (at least 32 bytes). Without it, one is generated on first
    /// start and kept in `<data dir>/jwt-secret`. Every server copy must share the same secret.
    #[arg(long, env = "CAREERGRAPH_JWT_SECRET", global = true, hide_env_values = true)]
    pub jwt_secret: Option<String>,

    /// Lifetime of access tokens, in seconds.
    #[arg(
        long,
        env = "CAREERGRAPH_ACCESS_TOKEN_TTL",
        default_value_t = 900,
        global = true
    )]
    pub access_token_ttl: u64,

    /// Lifetime of refresh tokens, in seconds.
    #[arg(long, env = "CAREERGRAPH_REFRESH_TOKEN_TTL", default_value_t = 30 * 24 * 3600, global = true)]
    pub refresh_token_ttl: u64,

    /// Browser origins allowed to call the API (comma-separated; `*` allows any).
    #[arg(
        long,
        env = "CAREERGRAPH_CORS_ORIGINS",
        value_delimiter = ',',
        default_value = "http://localhost:3000,http://localhost:5173,http://127.0.0.1:3000,http://127.0.0.1:5173",
        global = true
    )]
    pub cors_origins: Vec<String>,

    /// Largest accepted request body, in bytes.
    #[arg(long, env = "CAREERGRAPH_MAX_BODY_BYTES", default_value_t = 1024 * 1024, global = true)]
    pub max_body_bytes: usize,

    /// Most operations in one batched request.
    #[arg(long, env = "CAREERGRAPH_MAX_BATCH", default_value_t = 10, global = true)]
    pub max_batch: usize,

    /// Events each server copy holds for its subscriptions. A subscription that falls further
    /// behind reads what it missed back from the database (status changes) or is ended with
    /// an `UNAVAILABLE` error (artifacts).
    #[arg(long, env = "CAREERGRAPH_EVENT_BUFFER", default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..), global = true)]
    pub event_buffer: u32,

    /// Deepest query nesting accepted.
    #[arg(long, env = "CAREERGRAPH_MAX_DEPTH", default_value_t = 16, global = true)]
    pub max_depth: usize,

    /// Most fields one operation may select once its fragments are expanded.
    #[arg(long, env = "CAREERGRAPH_MAX_FIELDS", default_value_t = 50_000, global = true)]
    pub max_fields: usize,

    /// Highest cost of an operation, in nodes: each connection counts its page size (`first`
    /// or `last`, 50 without either, at most 100) times one plus the nodes under each item.
    /// The default lets through a whole career with each project's tech stack and no `first`
    /// anywhere (135,050) and refuses three connections nested at 100 (1,010,100).
    #[arg(long, env = "CAREERGRAPH_MAX_COST", default_value_t = 200_000, global = true)]
    pub max_cost: u64,

    /// Most aliased fields in one operation (fragments expanded).
    #[arg(long, env = "CAREERGRAPH_MAX_ALIASES", default_value_t = 30, global = true)]
    pub max_aliases: usize,

    /// Most fields at the root of one operation (fragments expanded).
    #[arg(
        long,
        env = "CAREERGRAPH_MAX_ROOT_FIELDS",
        default_value_t = 30,
        global = true
    )]
    pub max_root_fields: usize,

    /// Most directives in one document.
    #[arg(long, env = "CAREERGRAPH_MAX_DIRECTIVES", default_value_t = 50, global = true)]
    pub max_directives: usize,

    /// Most errors in one response (the last then says how many were left out).
    #[arg(long, env = "CAREERGRAPH_MAX_ERRORS", default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..), global = true)]
    pub max_errors: u32,

    /// Most connections held at once (WebSockets included); a client beyond it waits until
    /// one ends. Keep it below the open-file limit, with room for database connections.
    #[arg(long, env = "CAREERGRAPH_MAX_CONNECTIONS", default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..), global = true)]
    pub max_connections: u32,

    /// Seconds a client has to send a request's headers (and a kept-alive connection may sit
    /// idle) before the connection is closed.
    #[arg(long, env = "CAREERGRAPH_HEADER_TIMEOUT", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..), global = true)]
    pub header_timeout: u64,

    /// Seconds a WebSocket client has to send `connection_init` (closed with 4408 after that).
    #[arg(long, env = "CAREERGRAPH_WS_INIT_TIMEOUT", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..), global = true)]
    pub ws_init_timeout: u64,

    /// Seconds between the server's pings on a WebSocket (below the idle timeout of any proxy
    /// in front, often 60 s).
    #[arg(long, env = "CAREERGRAPH_WS_PING_INTERVAL", default_value_t = 15, value_parser = clap::value_parser!(u64).range(1..), global = true)]
    pub ws_ping_interval: u64,

    /// Seconds a WebSocket client has to answer a ping, or to take a message the server sends,
    /// before its socket is closed.
    #[arg(long, env = "CAREERGRAPH_WS_PONG_TIMEOUT", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..), global = true)]
    pub ws_pong_timeout: u64,

    /// Most WebSockets one user may hold open on one server copy (closed with 1008 beyond).
    #[arg(long, env = "CAREERGRAPH_WS_MAX_PER_USER", default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..), global = true)]
    pub ws_max_per_user: u32,

    /// Most WebSockets one client address may hold open on one server copy (429 beyond). Behind
    /// a proxy every client has the proxy's address: raise it there.
    #[arg(long, env = "CAREERGRAPH_WS_MAX_PER_IP", default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..), global = true)]
    pub ws_max_per_ip: u32,

    /// Most operations running at once on one WebSocket (an `error` for the one beyond).
    #[arg(long, env = "CAREERGRAPH_WS_MAX_SUBSCRIPTIONS", default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..), global = true)]
    pub ws_max_subscriptions: u32,

    /// Largest message a WebSocket client may send, in bytes (closed with 1009 beyond).
    #[arg(long, env = "CAREERGRAPH_WS_MAX_MESSAGE_BYTES", default_value_t = 64 * 1024, value_parser = clap::value_parser!(u32).range(256..), global = true)]
    pub ws_max_message_bytes: u32,

    /// Seconds a client has to send a request's body (408 after that).
    #[arg(long, env = "CAREERGRAPH_BODY_TIMEOUT", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..), global = true)]
    pub body_timeout: u64,

    /// Answer introspection queries (`__schema`, `__type`). GraphiQL and code generators need
    /// it; turn it off in production if the schema should not be read by anyone.
    #[arg(long, env = "CAREERGRAPH_INTROSPECTION", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub introspection: bool,

    /// Suggest names in validation errors ("Did you mean …?"), which tells a prober the
    /// schema even with introspection off.
    #[arg(long, env = "CAREERGRAPH_FIELD_SUGGESTIONS", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub field_suggestions: bool,

    /// Serve GraphiQL on `GET /graphql`.
    #[arg(long, env = "CAREERGRAPH_GRAPHIQL", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub graphiql: bool,

    /// Run only the documents in this JSON file (trusted documents): an object mapping each
    /// document's id (hash) to its text, as graphql-codegen's persisted documents and Relay's
    /// `persistConfig` file write it, or an Apollo persisted-query manifest. Any other
    /// document is refused (`PERSISTED_QUERY_NOT_IN_LIST`, `QUERY_NOT_IN_SAFELIST`) and
    /// automatic persisted queries register nothing.
    #[arg(long, env = "CAREERGRAPH_TRUSTED_DOCUMENTS", value_name = "FILE", value_parser = TrustedDocuments::load, global = true)]
    pub trusted_documents: Option<TrustedDocuments>,

    /// Directories of fonts for PDFs, searched in order after the embedded DejaVu Sans for the
    /// glyphs it lacks (repeat the flag, or separate with `:` in the variable). Missing
    /// directories are skipped; a character no font has is drawn as U+FFFD and listed in the
    /// artifact's `missingGlyphs`.
    #[arg(long = "font-dir", env = "CAREERGRAPH_FONT_DIRS", value_delimiter = ':', default_values = DEFAULT_FONT_DIRS, global = true)]
    pub font_dirs: Vec<PathBuf>,

    /// Log filter, e.g. `info` or `info,careergraph=debug`.
    #[arg(long, env = "CAREERGRAPH_LOG", default_value = "info", global = true)]
    pub log: String,

    /// Log line format.
    #[arg(
        long,
        env = "CAREERGRAPH_LOG_FORMAT",
        value_enum,
        default_value = "text",
        global = true
    )]
    pub log_format: LogFormat,

    /// Requests that check a credential (`signIn`, `signUp`, `refreshSession`,
    /// `changePassword`, invitation tokens), per minute per client address, beyond the
    /// per-account throttle of failed sign-ins. 0: no limit (the default, for benchmarks and
    /// offices behind one address; 30 suits a public server).
    #[arg(
        long,
        env = "CAREERGRAPH_RATE_LIMIT_CREDENTIALS",
        default_value_t = 0,
        global = true
    )]
    pub rate_limit_credentials: u32,

    /// Query cost (nodes, as `--max-cost` counts them) per minute per user, or per address
    /// without a token; a request over it is refused whole (429). 0: no limit (the default;
    /// 1,000,000 lets a user run five of the most expensive queries a minute).
    #[arg(long, env = "CAREERGRAPH_RATE_LIMIT_COST", default_value_t = 0, global = true)]
    pub rate_limit_cost: u32,

    /// An OpenTelemetry collector's OTLP/HTTP base URL (e.g. `http://localhost:4318`): traces
    /// go to `<url>/v1/traces`, one span per request and per SQL statement. Off when unset.
    #[arg(long, env = "CAREERGRAPH_OTLP_ENDPOINT", global = true)]
    pub otlp_endpoint: Option<String>,

    /// Export jobs this server copy makes at once (files under `<data dir>/files`). 0: this
    /// copy makes none and leaves its jobs to the other copies.
    #[arg(long, env = "CAREERGRAPH_EXPORT_WORKERS", default_value_t = 2, global = true)]
    pub export_workers: u32,

    /// How long a finished export can be downloaded, in seconds; the server deletes the file
    /// after that.
    #[arg(long, env = "CAREERGRAPH_EXPORT_TTL", default_value_t = 24 * 3600, value_parser = clap::value_parser!(u64).range(1..), global = true)]
    pub export_ttl: u64,

    /// Largest multipart request (a file upload, GraphQL multipart request spec), in bytes,
    /// counted while it streams in: a larger one is refused with 413 before the rest is read.
    #[arg(long, env = "CAREERGRAPH_MAX_UPLOAD_BYTES", default_value_t = 16 * 1024 * 1024, value_parser = clap::value_parser!(u64).range(1024..), global = true)]
    pub max_upload_bytes: u64,

    /// Most files in one multipart request.
    #[arg(long, env = "CAREERGRAPH_MAX_UPLOAD_FILES", default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..), global = true)]
    pub max_upload_files: u32,

    /// Largest uploaded document (PDF, DOCX or plain text), in bytes. Profile photos have their
    /// own limit, 5 MB.
    #[arg(long, env = "CAREERGRAPH_MAX_DOCUMENT_BYTES", default_value_t = 10 * 1024 * 1024, value_parser = clap::value_parser!(u64).range(1..), global = true)]
    pub max_document_bytes: u64,

    /// Keep files (uploads, exports) in this S3 bucket instead of `<data dir>/files`.
    /// Credentials come from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` (and
    /// `AWS_SESSION_TOKEN`), or the instance's role.
    #[arg(long, env = "CAREERGRAPH_S3_BUCKET", global = true)]
    pub s3_bucket: Option<String>,

    /// The S3-compatible store's URL when it is not AWS (MinIO, R2, Ceph…), e.g.
    /// `http://localhost:9000`; requests use path-style addressing.
    #[arg(long, env = "CAREERGRAPH_S3_ENDPOINT", global = true)]
    pub s3_endpoint: Option<String>,

    /// The bucket's region (default: `AWS_REGION`, else `us-east-1`).
    #[arg(long, env = "CAREERGRAPH_S3_REGION", global = true)]
    pub s3_region: Option<String>,

    /// Server-side encryption asked of the bucket for every object (recorded on each upload).
    #[arg(long, env = "CAREERGRAPH_S3_ENCRYPTION", value_parser = ["AES256", "aws:kms"], global = true)]
    pub s3_encryption: Option<String>,
}

impl Settings {
    pub fn connection_limits(&self) -> crate::http_server::ConnectionLimits {
        crate::http_server::ConnectionLimits {
            max_connections: self.max_connections as usize,
            header_timeout: Duration::from_secs(self.header_timeout),
            shutdown_grace: Duration::from_secs(30),
        }
    }

    /// The file store these settings name: the S3 bucket if `--s3-bucket` is given, the local
    /// directory under the data directory otherwise.
    pub fn storage(&self) -> anyhow::Result<crate::storage::Storage> {
        match &self.s3_bucket {
            Some(bucket) => crate::storage::Storage::s3(&crate::storage::S3Settings {
                bucket: bucket.clone(),
                endpoint: self.s3_endpoint.clone(),
                region: self.s3_region.clone(),
                encryption: self.s3_encryption.clone(),
                access_key_id: None,
                secret_access_key: None,
            }),
            None => crate::storage::Storage::local(&self.data_dir),
        }
    }

    pub fn ws_settings(&self) -> crate::ws::WsSettings {
        crate::ws::WsSettings {
            init_timeout: Duration::from_secs(self.ws_init_timeout),
            ping_interval: Duration::from_secs(self.ws_ping_interval),
            pong_timeout: Duration::from_secs(self.ws_pong_timeout),
            max_per_user: self.ws_max_per_user as usize,
            max_per_ip: self.ws_max_per_ip as usize,
            max_subscriptions: self.ws_max_subscriptions as usize,
            max_message_bytes: self.ws_max_message_bytes as usize,
        }
    }

    pub fn access_ttl(&self) -> Duration {
        Duration::from_secs(self.access_token_ttl)
    }

    pub fn refresh_ttl(&self) -> Duration {
        Duration::from_secs(self.refresh_token_ttl)
    }

    /// The signing secret: the configured one, or the one kept in the data directory
    /// (generated the first time, readable only by its owner).
    pub fn jwt_secret(&self) -> Result<Vec<u8>> {
        if let Some(secret) = &self.jwt_secret {
            anyhow::ensure!(
                secret.len() >= 32,
                "the JWT secret must be at least 32 bytes long"
            );
            return Ok(secret.as_bytes().to_vec());
        }
        secret_file(&self.data_dir.join("jwt-secret"))
    }
}

fn secret_file(path: &Path) -> Result<Vec<u8>> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;

    if let Ok(existing) = std::fs::read(path) {
        anyhow::ensure!(
            existing.len() >= 32,
            "{} is shorter than 32 bytes",
            path.display()
        );
        return Ok(existing);
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut secret = [0u8; 48];
    rand::rngs::OsRng.try_fill_bytes(&mut secret)?;
    let encoded = base64::Engine::encode(&base64::engine::general_purpose::STANDARD_NO_PAD, secret);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(encoded.as_bytes())?;
    Ok(encoded.into_bytes())
}

/// The allow-list of trusted documents: id (hash) → document text, as read at startup.
#[derive(Clone)]
pub struct TrustedDocuments(pub std::sync::Arc<std::collections::HashMap<String, String>>);

impl std::fmt::Debug for TrustedDocuments {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TrustedDocuments({} documents)", self.0.len())
    }
}

impl TrustedDocuments {
    /// Reads the file; refuses one that lists nothing, so a wrong path or shape fails at
    /// startup instead of refusing every request.
    pub fn load(path: &str) -> std::result::Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|error| format!("cannot read {path}: {error}"))?;
        Self::parse(&text).map_err(|error| format!("{path} is not a trusted-documents file: {error:#}"))
    }

    /// `{"<id>": "<document>", …}`, or Apollo's manifest
    /// `{"format": "apollo-persisted-query-manifest", "operations": [{"id", "body"}, …]}`.
    pub fn parse(text: &str) -> Result<Self> {
        use serde_json::Value;
        let json: Value = serde_json::from_str(text)?;
        let Value::Object(map) = json else {
            anyhow::bail!("expected a JSON object");
        };
        let mut documents = std::collections::HashMap::new();
        if map.get("format").and_then(Value::as_str) == Some("apollo-persisted-query-manifest") {
            let operations = map
                .get("operations")
                .and_then(Value::as_array)
                .context("the manifest has no `operations` array")?;
            for operation in operations {
                let id = operation.get("id").and_then(Value::as_str);
                let body = operation.get("body").and_then(Value::as_str);
                let (Some(id), Some(body)) = (id, body) else {
                    anyhow::bail!("each operation needs a string `id` and `body`");
                };
                documents.insert(id.to_owned(), body.to_owned());
            }
        } else {
            for (id, document) in map {
                let Value::String(document) = document else {
                    anyhow::bail!("the value of {id:?} is not a string");
                };
                documents.insert(id, document);
            }
        }
        anyhow::ensure!(!documents.is_empty(), "it lists no documents");
        anyhow::ensure!(
            documents.keys().all(|id| !id.is_empty() && id.len() <= 256),
            "an id is empty or longer than 256 characters"
        );
        Ok(Self(std::sync::Arc::new(documents)))
    }
}
