//! Scalars named as api.md names them. `DateTime` comes from async-graphql (RFC 3339);
//! `Date` is ours, because async-graphql calls a calendar date `NaiveDate`.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::NaiveDate;
use diesel::deserialize::FromSql;
use diesel::pg::Pg;
use diesel::serialize::{Output, ToSql};

/// A calendar date, `YYYY-MM-DD`.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Date)]
pub struct Date(pub NaiveDate);

#[Scalar(
    name = "Date",
    specified_by_url = "https://www.rfc-editor.org/rfc/rfc3339#section-5.6"
)]
/// A calendar date without a time or time zone: `YYYY-MM-DD` (ISO 8601 / RFC 3339 `full-date`),
/// e.g. `2024-03-01`.
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(Date)
                .map_err(|_| InputValueError::custom(format!("`{text}` is not a date (YYYY-MM-DD)"))),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

impl ToSql<diesel::sql_types::Date, Pg> for Date {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> diesel::serialize::Result {
        <NaiveDate as ToSql<diesel::sql_types::Date, Pg>>::to_sql(&self.0, &mut out.reborrow())
    }
}

impl FromSql<diesel::sql_types::Date, Pg> for Date {
    fn from_sql(bytes: <Pg as diesel::backend::Backend>::RawValue<'_>) -> diesel::deserialize::Result<Self> {
        <NaiveDate as FromSql<diesel::sql_types::Date, Pg>>::from_sql(bytes).map(Date)
    }
}

/// Text scalars stored as PostgreSQL `text`. Their value is checked where it is taken (see
/// `validate`), not while GraphQL coerces it: a coercion error cannot say which input field was
/// wrong, and `BAD_USER_INPUT` with `extensions.field` can.
macro_rules! text_scalar {
    ($(#[$meta:meta])* $name:ident, $graphql:literal, $spec:literal) => {
        #[derive(
            Clone,
            Debug,
            Default,
            PartialEq,
            Eq,
            Hash,
            diesel::expression::AsExpression,
            diesel::deserialize::FromSqlRow,
        )]
        #[diesel(sql_type = diesel::sql_types::Text)]
        pub struct $name(pub String);

        #[Scalar(name = $graphql, specified_by_url = $spec)]
        $(#[$meta])*
        impl ScalarType for $name {
            fn parse(value: Value) -> InputValueResult<Self> {
                match value {
                    Value::String(text) => Ok($name(text)),
                    other => Err(InputValueError::expected_type(other)),
                }
            }

            // The validator asks this of literals and variables before any resolver runs: a
            // value that is not a string is then refused naming its input field.
            fn is_valid(value: &Value) -> bool {
                matches!(value, Value::String(_))
            }

            fn to_value(&self) -> Value {
                Value::String(self.0.clone())
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl ToSql<diesel::sql_types::Text, Pg> for $name {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> diesel::serialize::Result {
                <str as ToSql<diesel::sql_types::Text, Pg>>::to_sql(&self.0, out)
            }
        }

        impl FromSql<diesel::sql_types::Text, Pg> for $name {
            fn from_sql(
                bytes: <Pg as diesel::backend::Backend>::RawValue<'_>,
            ) -> diesel::deserialize::Result<Self> {
                <String as FromSql<diesel::sql_types::Text, Pg>>::from_sql(bytes).map($name)
            }
        }
    };
}

text_scalar!(
    /// An absolute `http` or `https` URL (RFC 3986) of at most 2,048 characters, e.g.
    /// `https://github.com/ann`. An input that is not one is refused with `BAD_USER_INPUT` and
    /// `extensions.field` naming the input field; some fields also require a host (a LinkedIn
    /// URL must be on linkedin.com) and say so in their description.
    Url,
    "URL",
    "https://www.rfc-editor.org/rfc/rfc3986"
);

text_scalar!(
    /// An email address (RFC 5322 `addr-spec`, at most 254 characters), e.g. `ann@example.com`.
    /// Stored and returned trimmed and in lower case. An input that is not one is refused with
    /// `BAD_USER_INPUT` and `extensions.field` naming the input field.
    EmailAddress,
    "EmailAddress",
    "https://www.rfc-editor.org/rfc/rfc5322#section-3.4.1"
);
