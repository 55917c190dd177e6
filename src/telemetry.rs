//! Logs and traces. Logs go to stderr as text or JSON lines, filtered by `--log`; with
//! `--otlp-endpoint`, spans also go to an OpenTelemetry collector over OTLP/HTTP: one per
//! request (`request`, with its request id, method and path) and one per SQL statement (`sql`,
//! with the statement's text and never its parameters, which carry people's data). Neither
//! ever holds a token, an email, a name or a request body, whatever `--log` asks for: the
//! libraries that would print them at their verbose levels are held at `info`
//! ([`PERSONAL_DATA_TARGETS`]; `tests/api/logs.rs` runs the server at `trace`).

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{SpanExporter, WithExportConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::filter::{FilterExt, LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use crate::config::{LogFormat, Settings};

/// What must be flushed before the process exits.
#[must_use = "call `shutdown` before exiting, or the last spans are lost"]
pub struct Telemetry {
    traces: Option<SdkTracerProvider>,
}

impl Telemetry {
    /// Sends the spans still buffered.
    pub fn shutdown(self) {
        if let Some(provider) = self.traces
            && let Err(error) = provider.shutdown()
        {
            eprintln!("warning: cannot flush the last traces: {error}");
        }
    }
}

/// Libraries whose debug and trace lines print what a request carries, held at `info` whatever
/// the filter says: tokio-postgres's debug lines list every statement's parameters (emails,
/// names, phone numbers, password and token hashes, free text), and tungstenite's print each
/// WebSocket message and frame (the access token of `connection_init`, every operation's
/// variables). Their lower levels say nothing the server's own spans do not.
pub const PERSONAL_DATA_TARGETS: [&str; 3] = ["tokio_postgres", "tungstenite", "tokio_tungstenite"];

/// Everything at any level but [`PERSONAL_DATA_TARGETS`] beyond `info`.
fn without_personal_data() -> Targets {
    PERSONAL_DATA_TARGETS.into_iter().fold(
        Targets::new().with_default(LevelFilter::TRACE),
        |targets, target| targets.with_target(target, LevelFilter::INFO),
    )
}

/// Installs the process-wide subscriber: the log lines, and the OTLP exporter if configured.
pub fn init(settings: &Settings) -> Telemetry {
    let filter = EnvFilter::try_new(&settings.log).unwrap_or_else(|_| EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    let logs = match settings.log_format {
        LogFormat::Text => logs.boxed(),
        LogFormat::Json => logs.json().flatten_event(true).with_current_span(true).boxed(),
    }
    .with_filter(filter.and(without_personal_data()));
    let (traces, provider) = match settings.otlp_endpoint.as_deref().map(tracer_provider) {
        Some(Ok(provider)) => {
            let tracer = provider.tracer("careergraph");
            // The server's own spans (debug: the SQL ones), whatever `--log` shows.
            let spans = Targets::new()
                .with_target("careergraph", LevelFilter::DEBUG)
                .with_target("tower_http", LevelFilter::INFO);
            let layer = tracing_opentelemetry::layer()
                .with_tracer(tracer)
                .with_filter(spans);
            (Some(layer), Some(provider))
        }
        Some(Err(error)) => {
            eprintln!("warning: traces are off: cannot set up the OTLP exporter: {error}");
            (None, None)
        }
        None => (None, None),
    };
    tracing_subscriber::registry().with(logs).with(traces).init();
    Telemetry { traces: provider }
}

fn tracer_provider(endpoint: &str) -> Result<SdkTracerProvider, opentelemetry_otlp::ExporterBuildError> {
    let exporter = SpanExporter::builder()
        .with_http()
        .with_endpoint(format!("{}/v1/traces", endpoint.trim_end_matches('/')))
        .build()?;
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(Resource::builder().with_service_name("careergraph").build())
        .build())
}
