//! SQL for the company catalog: rows by id, the viewer's counts per company, and the admins'
//! changes to a company's descriptive fields.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::enums::DataAiMaturity;
use crate::access::{Guarded, Principal};
use crate::db::schema::{applications, companies, contacts, experiences, job_postings};
use crate::graphql::loaders::Relation;
use crate::graphql::scalars::Url;
use crate::guarded_relation;

#[derive(Clone, Debug, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = companies)]
pub struct CompanyRow {
    pub id: Uuid,
    pub name: String,
    pub normalized_name: String,
    pub website: Option<Url>,
    pub industry: Option<String>,
    pub size_band: Option<String>,
    pub headquarters: Option<String>,
    pub business_lines: Option<String>,
    pub known_initiatives: Option<String>,
    pub culture_signals: Vec<Option<String>>,
    pub data_ai_maturity: Option<DataAiMaturity>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

guarded_relation!(CompanyById: companies.id => CompanyRow);

/// A company's descriptive fields as an admin changes them; None leaves one as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = companies)]
pub struct CompanyChanges {
    pub website: Option<Option<Url>>,
    pub industry: Option<Option<String>>,
    pub size_band: Option<Option<String>>,
    pub headquarters: Option<Option<String>>,
    pub business_lines: Option<Option<String>>,
    pub known_initiatives: Option<Option<String>>,
    pub culture_signals: Option<Vec<String>>,
    pub data_ai_maturity: Option<Option<DataAiMaturity>>,
}

/// Changes a company (the caller has checked that the principal is a platform admin); None
/// when there is no such company.
pub async fn update_company(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    changes: &CompanyChanges,
) -> QueryResult<Option<CompanyRow>> {
    let updated = diesel::update(companies::table.find(id))
        .set(changes)
        .returning(CompanyRow::as_returning())
        .get_result(conn)
        .await
        .optional();
    crate::db::updated_or_current(updated, async || {
        companies::table
            .find(id)
            .select(CompanyRow::as_select())
            .first(conn)
            .await
            .optional()
    })
    .await
}

/// How many of the principal's records point to a company.
#[derive(Clone, Debug, Default, QueryableByName)]
pub struct CompanyCounts {
    #[diesel(sql_type = SqlUuid)]
    pub company_id: Uuid,
    #[diesel(sql_type = BigInt)]
    pub experiences: i64,
    #[diesel(sql_type = BigInt)]
    pub job_postings: i64,
    #[diesel(sql_type = BigInt)]
    pub applications: i64,
    #[diesel(sql_type = BigInt)]
    pub contacts: i64,
}

/// The principal's counts per company, as each table's rule lets them read its rows (a
/// deleted contact is not counted). One statement for any number of companies.
pub struct CountsOfCompany;

impl Relation for CountsOfCompany {
    type Row = CompanyCounts;

    async fn fetch(
        conn: &mut AsyncPgConnection,
        who: Principal,
        keys: &[Uuid],
    ) -> QueryResult<Vec<CompanyCounts>> {
        // The rows the principal may change, which are their own: a record another user shares
        // with them is that user's, not one of theirs to count. A deleted contact is not read.
        diesel::sql_query(format!(
            "select k.id as company_id,
               (select count(*) from experiences e where e.company_id = k.id and {e}) as experiences,
               (select count(*) from job_postings p where p.company_id = k.id and {p}) as job_postings,
               (select count(*) from applications a where a.company_id = k.id and {a}) as applications,
               (select count(*) from contacts c where c.company_id = k.id and {c}) as contacts
             from unnest($2::uuid[]) k(id)",
            e = experiences::table::writable_sql("e", 1),
            p = job_postings::table::writable_sql("p", 1),
            a = applications::table::writable_sql("a", 1),
            c = contacts::table::readable_sql("c", 1),
        ))
        .bind::<SqlUuid, _>(who.user_id)
        .bind::<Array<SqlUuid>, _>(keys)
        .load(conn)
        .await
    }

    fn key(row: &CompanyCounts) -> Uuid {
        row.company_id
    }
}

/// A record's company: the record's id and the company it points to.
#[derive(Clone, Debug, QueryableByName)]
pub struct CompanyOfRecord {
    #[diesel(sql_type = SqlUuid)]
    pub record_id: Uuid,
    #[diesel(embed)]
    pub company: CompanyRow,
}

/// Declares the relation from the rows of a table with a `company_id` to their company, over
/// the rows the principal may read: `Name: table`.
macro_rules! company_of {
    ($($(#[$doc:meta])* $name:ident: $table:ident;)+) => {$(
        $(#[$doc])*
        pub struct $name;

        impl Relation for $name {
            type Row = CompanyOfRecord;

            async fn fetch(
                conn: &mut AsyncPgConnection,
                who: Principal,
                keys: &[Uuid],
            ) -> QueryResult<Vec<CompanyOfRecord>> {
                diesel::sql_query(format!(
                    "select r.id as record_id, c.* from {table} r join companies c on c.id = r.company_id
                     where r.id = any($2) and {rule}",
                    table = $table::table::NAME,
                    rule = $table::table::readable_sql("r", 1),
                ))
                .bind::<SqlUuid, _>(who.user_id)
                .bind::<Array<SqlUuid>, _>(keys)
                .load(conn)
                .await
            }

            fn key(row: &CompanyOfRecord) -> Uuid {
                row.record_id
            }
        }
    )+};
}

company_of! {
    /// The company of an experience (its employer).
    CompanyOfExperience: experiences;
    /// The company of a job posting (the hiring company).
    CompanyOfJobPosting: job_postings;
    /// The company of an application (its posting's, unless set otherwise).
    CompanyOfApplication: applications;
    /// The company of a contact (their employer).
    CompanyOfContact: contacts;
}
