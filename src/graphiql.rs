//! GraphiQL, served by the server itself: the page, its bootstrap script and the production
//! builds of GraphiQL, React and graphql-ws from `assets/graphiql/` (versions and how to refresh
//! them in its README), compiled into the binary. Nothing is fetched from another site, so the
//! page works offline and under a strict `Content-Security-Policy`: scripts only from this
//! server and none inline.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// Where the assets are served: `/graphiql/assets/<tag>/<name>`.
pub const ASSETS_PATH: &str = "/graphiql/assets";

struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

const ASSETS: &[Asset] = &[
    Asset {
        name: "graphiql.min.js",
        content_type: JS,
        body: include_bytes!("../assets/graphiql/graphiql.min.js"),
    },
    Asset {
        name: "graphiql.min.css",
        content_type: CSS,
        body: include_bytes!("../assets/graphiql/graphiql.min.css"),
    },
    Asset {
        name: "react.production.min.js",
        content_type: JS,
        body: include_bytes!("../assets/graphiql/react.production.min.js"),
    },
    Asset {
        name: "react-dom.production.min.js",
        content_type: JS,
        body: include_bytes!("../assets/graphiql/react-dom.production.min.js"),
    },
    Asset {
        name: "graphql-ws.min.js",
        content_type: JS,
        body: include_bytes!("../assets/graphiql/graphql-ws.min.js"),
    },
    Asset {
        name: "careergraph.js",
        content_type: JS,
        body: include_bytes!("../assets/graphiql/careergraph.js"),
    },
    Asset {
        name: "careergraph.css",
        content_type: CSS,
        body: include_bytes!("../assets/graphiql/careergraph.css"),
    },
];

const PAGE: &str = include_str!("../assets/graphiql/index.html");

/// A digest of every asset, in their URLs: a new build's assets have new URLs, so they can be
/// cached for a year without a browser ever mixing two versions.
static TAG: LazyLock<String> = LazyLock::new(|| {
    let mut digest = Sha256::new();
    for asset in ASSETS {
        digest.update(asset.name.as_bytes());
        digest.update((asset.body.len() as u64).to_le_bytes());
        digest.update(asset.body);
    }
    digest.finalize()[..8]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
});

static PAGE_HTML: LazyLock<String> =
    LazyLock::new(|| PAGE.replace("{assets}", &format!("{ASSETS_PATH}/{}", *TAG)));

/// The page's policy. Styles may be inline (GraphiQL's editor and React set `style`); scripts,
/// connections, fonts and images only from this server (fonts and icons are `data:` URLs inside
/// GraphiQL's stylesheet). The WebSocket is named explicitly for browsers that do not count
/// `ws:` as 'self'.
fn content_security_policy(host: Option<&str>) -> String {
    let sockets = host
        .map(|host| format!(" ws://{host} wss://{host}"))
        .unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; font-src 'self' data:; connect-src 'self'{sockets}; \
         object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
}

/// The `Host` header, when it is a plain host name or address with an optional port (it goes
/// into a header of the response).
fn host(headers: &HeaderMap) -> Option<&str> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let plain = !host.is_empty()
        && host.len() <= 255
        && host
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'-' | b':' | b'[' | b']'));
    plain.then_some(host)
}

fn secure(response: &mut Response) {
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
}

/// The GraphiQL page.
pub fn page(headers: &HeaderMap) -> Response {
    let mut response = (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        PAGE_HTML.as_str(),
    )
        .into_response();
    let policy = content_security_policy(host(headers));
    if let Ok(policy) = HeaderValue::from_str(&policy) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    secure(&mut response);
    response
}

/// One asset, under the current tag only.
pub fn asset(Path((tag, name)): Path<(String, String)>) -> Response {
    let found = ASSETS.iter().find(|asset| asset.name == name);
    let Some(asset) = found.filter(|_| tag == *TAG) else {
        return (StatusCode::NOT_FOUND, "no such asset").into_response();
    };
    let mut response = (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
        ],
        asset.body,
    )
        .into_response();
    secure(&mut response);
    response
}
