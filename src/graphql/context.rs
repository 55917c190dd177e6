//! What a resolver knows about its request: who is asking, and the shared services.

use std::sync::{Arc, OnceLock, RwLock};

use async_graphql::Context;
use uuid::Uuid;

use crate::access::Principal;
use crate::db::DbPool;
use crate::graphql::errors::{AppError, AppResult};
use crate::graphql::loaders::{BatchSpawner, Loaders};
use crate::tokens::{Access, TokenError, TokenKeys};

/// The services every area shares, put in the schema's data once (and handed to the HTTP
/// handlers that authenticate on their own).
#[derive(Clone)]
pub struct Services {
    pub pool: DbPool,
    pub keys: Arc<TokenKeys>,
}

impl Services {
    /// The signed-in user a plain HTTP route (a file download) acts for, from its
    /// `Authorization` header; without a valid bearer token, the route's 401.
    pub fn http_user(
        &self,
        headers: &axum::http::HeaderMap,
    ) -> Result<Principal, Box<axum::response::Response>> {
        use axum::response::IntoResponse;
        let authorization = headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok());
        match self.auth(authorization) {
            Auth::User(Access { user_id, .. }) => Ok(Principal::user(user_id)),
            _ => Err(Box::new(
                (
                    axum::http::StatusCode::UNAUTHORIZED,
                    [(axum::http::header::WWW_AUTHENTICATE, "Bearer")],
                    "send a valid `Authorization: Bearer <accessToken>`",
                )
                    .into_response(),
            )),
        }
    }

    /// Decides who an `Authorization` header (if any) belongs to; see [`bearer_auth`].
    pub fn auth(&self, authorization: Option<&str>) -> Auth {
        bearer_auth(&self.keys, authorization)
    }
}

/// Decides who an `Authorization` header (if any) belongs to. The token is checked before
/// execution, so that resolvers only ever see a verified user id; a revoked one (its session
/// ended, its account deactivated or deleted) is refused here, from memory, without a
/// statement (`tokens::Revocations`).
pub fn bearer_auth(keys: &TokenKeys, authorization: Option<&str>) -> Auth {
    match authorization.map(str::trim) {
        None | Some("") => Auth::Anonymous,
        Some(value) => match value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
        {
            Some(token) => match keys.verify_access(token.trim()) {
                Ok(access) => Auth::User(access),
                Err(error) => Auth::Refused(error),
            },
            None => Auth::Refused(TokenError::Invalid),
        },
    }
}

/// Who sent the request, decided from its bearer token before execution.
pub enum Auth {
    Anonymous,
    Refused(TokenError),
    User(Access),
}

/// The authenticated user of a request, with the loaders scoped to them.
pub struct Viewer {
    pub id: Uuid,
    /// The session the access token was issued to (the one just started, after a sign-in in
    /// the same request).
    pub session_id: Option<Uuid>,
    pub loaders: Loaders,
}

/// Put in each request's data. The viewer can change within a request: after `signUp`,
/// `signIn` or `refreshSession`, the rest of the request (the payload's `user { profile }`)
/// is resolved as the user just signed in.
pub struct RequestAuth {
    refused: Option<TokenError>,
    viewer: RwLock<Option<Arc<Viewer>>>,
    /// Loaders for a client without a token, made when a public field first asks.
    anonymous: OnceLock<Arc<Viewer>>,
    pool: DbPool,
    spawner: BatchSpawner,
    /// The client's `User-Agent`, kept with a session it signs in to.
    user_agent: Option<String>,
    /// The request's `x-request-id`, kept with the audit entries its mutations write.
    request_id: Option<String>,
}

impl RequestAuth {
    pub fn new(auth: Auth, pool: &DbPool, spawner: BatchSpawner) -> Self {
        let (refused, viewer) = match auth {
            Auth::Anonymous => (None, None),
            Auth::Refused(error) => (Some(error), None),
            Auth::User(access) => (
                None,
                Some(Viewer::new(pool, access.user_id, access.session_id, &spawner)),
            ),
        };
        Self {
            refused,
            viewer: RwLock::new(viewer),
            anonymous: OnceLock::new(),
            pool: pool.clone(),
            spawner,
            user_agent: None,
            request_id: None,
        }
    }

    /// The same, remembering the request's id for the audit log.
    pub fn with_request_id(mut self, request_id: Option<&str>) -> Self {
        self.request_id = request_id.map(str::to_owned);
        self
    }

    /// Who the writes of a mutation starting now are made by (`db::audit`).
    pub fn audit_actor(&self) -> crate::db::audit::Actor {
        crate::db::audit::Actor {
            user_id: self.current().map(|viewer| viewer.id),
            request_id: self.request_id.clone(),
        }
    }

    /// The same, remembering the client's `User-Agent` for a session it may start.
    pub fn with_user_agent(mut self, user_agent: Option<&str>) -> Self {
        self.user_agent = user_agent.map(str::to_owned);
        self
    }

    fn current(&self) -> Option<Arc<Viewer>> {
        self.viewer.read().ok().and_then(|viewer| viewer.clone())
    }
}

impl Viewer {
    fn new(pool: &DbPool, id: Uuid, session_id: Option<Uuid>, spawner: &BatchSpawner) -> Arc<Self> {
        Arc::new(Self {
            id,
            session_id,
            loaders: Loaders::new(pool, Principal::user(id), spawner.clone()),
        })
    }

    /// Who the access policy sees asking.
    pub fn principal(&self) -> Principal {
        Principal::user(self.id)
    }
}

/// Makes `user_id` the viewer for the rest of the request (after a successful sign-in to
/// `session_id`).
pub fn act_as(ctx: &Context<'_>, user_id: Uuid, session_id: Uuid) {
    if let Some(auth) = ctx.data_opt::<RequestAuth>()
        && let Ok(mut viewer) = auth.viewer.write()
    {
        *viewer = Some(Viewer::new(&auth.pool, user_id, Some(session_id), &auth.spawner));
    }
}

/// The client's `User-Agent`, if it sent one.
pub fn user_agent<'a>(ctx: &Context<'a>) -> Option<&'a str> {
    ctx.data_opt::<RequestAuth>()
        .and_then(|auth| auth.user_agent.as_deref())
}

impl RequestAuth {
    /// Why the presented token was refused, if it was.
    pub fn refusal(&self) -> Option<&'static str> {
        self.refused.map(TokenError::message)
    }
}

pub fn services<'a>(ctx: &Context<'a>) -> &'a Services {
    ctx.data_unchecked::<Services>()
}

/// The viewer, or `UNAUTHENTICATED` saying why there is none.
pub fn viewer(ctx: &Context<'_>) -> AppResult<Arc<Viewer>> {
    let auth = ctx.data_opt::<RequestAuth>();
    if let Some(viewer) = auth.and_then(RequestAuth::current) {
        return Ok(viewer);
    }
    Err(AppError::Unauthenticated(
        auth.and_then(RequestAuth::refusal)
            .unwrap_or("sign in first: send `Authorization: Bearer <accessToken>`"),
    ))
}

/// Who reads a public field (the job board, the shared catalogs): the viewer when signed in,
/// else an anonymous reader ([`Principal::ANONYMOUS`]) whom the access policy shows only what
/// is public. A token that was sent but refused is still `UNAUTHENTICATED`, so a client with an
/// expired token learns to refresh it rather than silently seeing less.
pub fn reader(ctx: &Context<'_>) -> AppResult<Arc<Viewer>> {
    let Some(auth) = ctx.data_opt::<RequestAuth>() else {
        return viewer(ctx);
    };
    if let Some(viewer) = auth.current() {
        return Ok(viewer);
    }
    if let Some(refusal) = auth.refusal() {
        return Err(AppError::Unauthenticated(refusal));
    }
    Ok(auth
        .anonymous
        .get_or_init(|| Viewer::new(&auth.pool, Principal::ANONYMOUS.user_id, None, &auth.spawner))
        .clone())
}
