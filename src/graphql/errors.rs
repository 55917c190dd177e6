//! Every error a client sees carries `extensions.code` (the Apollo Server codes, api.md).
//!
//! [`AppError`] is what our code raises. It deliberately does not implement `Display`, so that
//! its conversion into a GraphQL error is ours (with the code) and not async-graphql's blanket
//! conversion of any displayable value (without one).
//! [`code_engine_errors`] gives a code to the errors the GraphQL engine raises itself.

use std::sync::Arc;

use async_graphql::{Response, ServerError};

#[derive(Debug, Clone)]
pub enum AppError {
    /// No valid access token, or a failed sign-in.
    Unauthenticated(&'static str),
    /// The right password of a deactivated account: told only to someone who knows it.
    AccountDisabled(&'static str),
    /// The viewer is known but their role does not allow the operation (e.g. only platform
    /// admins promote skills). Checked before any object is looked up, so it reveals nothing
    /// about the object.
    Forbidden(&'static str),
    /// The object does not exist or is not the viewer's: the two are never told apart.
    NotFound(&'static str),
    /// An input value is wrong; `field` names it as the client sent it.
    BadInput { field: String, message: String },
    /// The change clashes with existing data (e.g. the email is taken).
    Conflict(String),
    /// Too many attempts: retry after the given time (`extensions.retryAfter`, in seconds).
    RateLimited { retry_after: std::time::Duration },
    /// The database is unreachable or overloaded; retrying later may work.
    Unavailable,
    /// A bug or an unexpected failure: logged with the request id, never shown.
    Internal(Arc<anyhow::Error>),
}

impl AppError {
    pub fn bad_input(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::BadInput {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn internal(error: impl Into<anyhow::Error>) -> Self {
        Self::Internal(Arc::new(error.into()))
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthenticated(_) => "UNAUTHENTICATED",
            Self::AccountDisabled(_) => "ACCOUNT_DISABLED",
            Self::Forbidden(_) => "FORBIDDEN",
            Self::NotFound(_) => "NOT_FOUND",
            Self::BadInput { .. } => "BAD_USER_INPUT",
            Self::Conflict(_) => "CONFLICT",
            Self::RateLimited { .. } => "RATE_LIMITED",
            Self::Unavailable => "UNAVAILABLE",
            Self::Internal(_) => "INTERNAL_SERVER_ERROR",
        }
    }

    fn message(&self) -> String {
        match self {
            Self::Unauthenticated(message) | Self::AccountDisabled(message) | Self::Forbidden(message) => {
                (*message).to_owned()
            }
            Self::NotFound(what) => format!("{what} not found"),
            Self::BadInput { message, .. } => message.clone(),
            Self::Conflict(message) => message.clone(),
            Self::RateLimited { retry_after } => format!(
                "too many failed attempts; try again in {} s",
                retry_after.as_secs_f64().ceil()
            ),
            Self::Unavailable => "the service is temporarily unavailable; retry later".to_owned(),
            Self::Internal(_) => "internal server error".to_owned(),
        }
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(error: AppError) -> Self {
        if let AppError::Internal(cause) = &error {
            // Logged inside the request's span, so the line carries the request id.
            tracing::error!(error = format!("{cause:#}"), "internal error");
        }
        let mut graphql = async_graphql::Error::new(error.message());
        let mut extensions = async_graphql::ErrorExtensionValues::default();
        extensions.set("code", error.code());
        match &error {
            AppError::BadInput { field, .. } => extensions.set("field", field.as_str()),
            AppError::RateLimited { retry_after } => {
                extensions.set("retryAfter", retry_after.as_secs_f64().ceil() as u64)
            }
            _ => {}
        }
        graphql.extensions = Some(extensions);
        graphql
    }
}

/// A rule only the database can hold under concurrent writes (a trigger raising a check
/// violation under this constraint name), told to the client as the input it concerns.
struct Rule {
    constraint: &'static str,
    field: &'static str,
    message: &'static str,
}

const RULES: &[Rule] = &[
    Rule {
        constraint: "engagements_consulting_experience",
        field: "experienceId",
        message: "engagements belong only to INDEPENDENT_CONSULTING experiences",
    },
    Rule {
        constraint: "experiences_consulting_engagements",
        field: "employmentType",
        message: "the experience has engagements, which need INDEPENDENT_CONSULTING; delete them first",
    },
    Rule {
        constraint: "interview_feedback_final",
        field: "isFinal",
        message: "final feedback cannot change",
    },
    Rule {
        constraint: "organization_members_last_admin",
        field: "memberId",
        message: "an organisation keeps at least one admin: make another member admin first",
    },
];

/// A uniqueness (or exclusion) the database holds, told to the client as a conflict in its
/// own words.
const TAKEN: &[(&str, &str)] = &[
    ("organizations_slug_key", "an organisation with that slug exists"),
    ("catalog_roles_name_idx", "a catalog role with that name exists"),
    (
        "interview_participants_no_overlap",
        "an interviewer is already booked for another interview at that time",
    ),
];

/// Data exceptions PostgreSQL raises for a value it cannot store (SQLSTATE class 22), known by
/// their message, since the driver keeps the SQLSTATE only for the kinds matched below. The
/// checks in Rust (`validate.rs`, control characters included) come first; this is the
/// backstop, so that a value slipping past them is still the client's `BAD_USER_INPUT`.
const DATA_EXCEPTIONS: &[&str] = &[
    "invalid byte sequence for encoding",
    "unsupported Unicode escape sequence",
    "value too long for type",
    "numeric field overflow",
    "out of range",
    "invalid input syntax for type",
    "invalid input value for enum",
];

impl From<diesel::result::Error> for AppError {
    fn from(error: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match &error {
            // The database's own checks back up the validation in Rust (e.g. under a race);
            // what they refuse is still the client's input.
            Error::DatabaseError(DatabaseErrorKind::CheckViolation, info) => {
                match RULES
                    .iter()
                    .find(|rule| Some(rule.constraint) == info.constraint_name())
                {
                    Some(rule) => Self::bad_input(rule.field, rule.message),
                    None => Self::bad_input(
                        info.constraint_name().unwrap_or("input"),
                        "the change breaks a rule of the data; check the values given",
                    ),
                }
            }
            Error::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => {
                Self::NotFound("referenced object")
            }
            Error::DatabaseError(
                DatabaseErrorKind::UniqueViolation | DatabaseErrorKind::ExclusionViolation,
                info,
            ) => Self::Conflict(
                TAKEN
                    .iter()
                    .find(|(constraint, _)| Some(*constraint) == info.constraint_name())
                    .map_or("an object with these values exists", |(_, message)| message)
                    .to_owned(),
            ),
            // Deleting what other rows still need.
            Error::DatabaseError(DatabaseErrorKind::RestrictViolation, _) => Self::Conflict(
                "other objects still refer to this one; change or delete them first".to_owned(),
            ),
            Error::DatabaseError(DatabaseErrorKind::Unknown, info)
                if DATA_EXCEPTIONS.iter().any(|known| info.message().contains(known)) =>
            {
                Self::bad_input(
                    info.column_name().unwrap_or("input"),
                    format!("a value cannot be stored: {}", info.message()),
                )
            }
            _ => Self::internal(error),
        }
    }
}

impl From<diesel_async::pooled_connection::deadpool::PoolError> for AppError {
    fn from(error: diesel_async::pooled_connection::deadpool::PoolError) -> Self {
        tracing::warn!(error = %error, "no database connection");
        Self::Unavailable
    }
}

pub type AppResult<T> = Result<T, AppError>;

fn has_code(error: &ServerError) -> bool {
    error
        .extensions
        .as_ref()
        .is_some_and(|extensions| extensions.get("code").is_some())
}

fn set_code(mut error: ServerError, code: &str) -> ServerError {
    if !has_code(&error) {
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("code", code);
    }
    error
}

/// An error raised outside any resolver (a refused request or document), with its code.
pub fn coded(message: impl Into<String>, code: &str) -> ServerError {
    set_code(ServerError::new(message, None), code)
}

/// An [`AppError`] about the request as a whole, raised before any field ran: without a
/// location or a path, so HTTP tells it as a request error.
pub fn before_execution(error: AppError) -> ServerError {
    let mut error = async_graphql::Error::from(error).into_server_error(Default::default());
    error.locations.clear();
    error
}

/// The longest line of the document a parse error quotes.
const QUOTED_LINE: usize = 120;

/// A document that does not parse. The parser's message quotes the offending line; a
/// document on one line would be echoed whole, so the quote is cut short.
pub fn parse_failed(mut error: ServerError) -> ServerError {
    if error
        .message
        .lines()
        .any(|line| line.chars().count() > QUOTED_LINE)
    {
        error.message = error
            .message
            .lines()
            .map(|line| match line.char_indices().nth(QUOTED_LINE) {
                Some((end, _)) => format!("{}…", &line[..end]),
                None => line.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("\n");
    }
    set_code(error, "GRAPHQL_PARSE_FAILED")
}

/// At most `most` errors in a response; the last one then says how many were left out.
pub fn cap(mut response: Response, most: usize) -> Response {
    if response.errors.len() > most {
        let omitted = response.errors.len() - most;
        let code = response.errors[most]
            .extensions
            .as_ref()
            .and_then(|extensions| extensions.get("code").cloned());
        response.errors.truncate(most);
        let message = format!("{omitted} more errors were left out");
        let mut error = ServerError::new(message, None);
        if let Some(code) = code {
            error
                .extensions
                .get_or_insert_with(Default::default)
                .set("code", code);
        }
        response.errors.push(error);
    }
    response
}

/// Gives `extensions.code` to the errors the engine raised itself (ours already carry one).
/// Errors without a path come from validating the document or choosing its operation; errors
/// with one come from turning an argument into its Rust type while resolving (client input).
///
/// This runs on the response rather than as an async-graphql extension: with any extension
/// installed, the engine wraps every single field resolution in the extension chain, which cost
/// about a tenth of the server's time on large queries.
pub fn code_engine_errors(mut response: Response) -> Response {
    response.errors = std::mem::take(&mut response.errors)
        .into_iter()
        .map(|error| {
            if has_code(&error) {
                return error;
            }
            // The one check async-graphql makes while parsing, after the document parsed.
            if error.message.starts_with("The recursion depth of the query") {
                return parse_failed(error);
            }
            if error.message.starts_with("Query is too complex")
                || error.message.starts_with("Query is nested too deep")
            {
                return set_code(error, "QUERY_TOO_COMPLEX");
            }
            // A value of the wrong type or shape: the client's input, like Apollo's variable
            // coercion errors.
            if let Some(argument) = invalid_argument(&error.message) {
                let field = argument.strip_prefix("input.").unwrap_or(argument).to_owned();
                let mut error = set_code(error, "BAD_USER_INPUT");
                error
                    .extensions
                    .get_or_insert_with(Default::default)
                    .set("field", field);
                return error;
            }
            let code = if error.path.is_empty() {
                "GRAPHQL_VALIDATION_FAILED"
            } else {
                "BAD_USER_INPUT"
            };
            set_code(error, code)
        })
        .collect();
    response
}

/// The argument path in async-graphql's `Invalid value for argument "input.email", …`.
fn invalid_argument(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("Invalid value for argument \"")?;
    rest.split('"').next()
}

#[cfg(test)]
mod tests {
    use diesel::result::{DatabaseErrorKind, Error};

    use super::*;

    fn from_database(kind: DatabaseErrorKind, message: &str) -> AppError {
        AppError::from(Error::DatabaseError(kind, Box::new(message.to_owned())))
    }

    #[test]
    fn values_the_database_cannot_store_are_the_clients_input() {
        for message in [
            "invalid byte sequence for encoding \"UTF8\": 0x00",
            "value too long for type character varying(200)",
            "unsupported Unicode escape sequence",
        ] {
            assert_eq!(
                from_database(DatabaseErrorKind::Unknown, message).code(),
                "BAD_USER_INPUT"
            );
        }
        assert_eq!(
            from_database(DatabaseErrorKind::RestrictViolation, "still referenced").code(),
            "CONFLICT"
        );
        assert_eq!(
            from_database(DatabaseErrorKind::Unknown, "could not serialize access").code(),
            "INTERNAL_SERVER_ERROR"
        );
    }
}
