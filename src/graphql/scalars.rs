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
