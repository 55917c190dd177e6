//! GraphQL for the company catalog: the `Company` type with the viewer's counts, `company(id)`,
//! and `updateCompany` for platform admins.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::{DateTime, Utc};
use diesel_async::AsyncConnection;
use uuid::Uuid;

use super::enums::DataAiMaturity;
use super::store::{self, CompanyById, CompanyChanges, CompanyCounts, CompanyRow, CountsOfCompany};
use crate::access;
use crate::graphql::context::{reader, services, viewer};
use crate::graphql::errors::{AppError, AppResult};
use crate::graphql::ids::{NodeType, decode_as};
use crate::graphql::present;
use crate::graphql::scalars::Url;
use crate::validate::{self, field, labels_field, text};

#[derive(Clone, Debug)]
pub struct Company(pub CompanyRow);

impl Company {
    async fn counts(&self, ctx: &Context<'_>) -> AppResult<CompanyCounts> {
        Ok(reader(ctx)?
            .loaders
            .one::<CountsOfCompany>(self.0.id)
            .await?
            .unwrap_or_default())
    }
}

/// A company in the shared catalog (ETPS CompanyProfile): the employer of an experience, the
/// hiring company of a job posting and an application, the employer of a contact. Created on
/// first use from the name a record gives (the same company whatever the letter case and
/// spacing); its descriptive fields are the catalog's, kept by platform admins
/// (`updateCompany`), and null until one fills them in. Anyone may read a company whose id
/// they have; the counts are the viewer's own.
#[Object]
impl Company {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::Company.id(self.0.id)
    }
    /// The company's name as first written (1 to 200 characters); unique in any letter case
    /// and spacing.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Its website; null when not known.
    async fn website(&self) -> Option<&Url> {
        self.0.website.as_ref()
    }
    /// Its industry or sector, up to 100 characters; null when not known.
    async fn industry(&self) -> Option<&str> {
        self.0.industry.as_deref()
    }
    /// How many people it employs, as a range (e.g. "51-200"), up to 50 characters; null when
    /// not known.
    async fn size_band(&self) -> Option<&str> {
        self.0.size_band.as_deref()
    }
    /// Where its headquarters are, up to 255 characters; null when not known.
    async fn headquarters(&self) -> Option<&str> {
        self.0.headquarters.as_deref()
    }
    /// What it does: its business lines, up to 10,000 characters; null when not known.
    async fn business_lines(&self) -> Option<&str> {
        self.0.business_lines.as_deref()
    }
    /// Its strategic initiatives known publicly, up to 10,000 characters; null when not known.
    async fn known_initiatives(&self) -> Option<&str> {
        self.0.known_initiatives.as_deref()
    }
    /// Keywords about its culture (e.g. "remote-first"), up to 30; empty when none are known.
    async fn culture_signals(&self) -> Vec<String> {
        present(&self.0.culture_signals)
    }
    /// How far it has come with data and AI; null when not judged.
    async fn data_ai_maturity(&self) -> Option<DataAiMaturity> {
        self.0.data_ai_maturity
    }
    /// When it entered the catalog.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When its fields last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// How many of the viewer's experiences were at this company (0 for a client without a
    /// token).
    async fn experience_count(&self, ctx: &Context<'_>) -> AppResult<i64> {
        Ok(self.counts(ctx).await?.experiences)
    }
    /// How many of the viewer's job postings are from this company.
    async fn job_posting_count(&self, ctx: &Context<'_>) -> AppResult<i64> {
        Ok(self.counts(ctx).await?.job_postings)
    }
    /// How many of the viewer's applications are to this company.
    async fn application_count(&self, ctx: &Context<'_>) -> AppResult<i64> {
        Ok(self.counts(ctx).await?.applications)
    }
    /// How many of the viewer's contacts work at this company (deleted ones not counted).
    async fn contact_count(&self, ctx: &Context<'_>) -> AppResult<i64> {
        Ok(self.counts(ctx).await?.contacts)
    }
}

/// The company with this id (for `node` and the fields that show a record's company).
pub async fn company_by_id(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<Company>> {
    Ok(reader(ctx)?.loaders.one::<CompanyById>(id).await?.map(Company))
}

#[derive(Default)]
pub struct CompaniesQuery;

#[Object]
impl CompaniesQuery {
    /// The company with this id; null if there is none. `BAD_USER_INPUT` for an id that is
    /// not one of ours.
    async fn company(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The company's global id (e.g. `Experience.company.id`).")] id: ID,
    ) -> AppResult<Option<Company>> {
        match decode_as(&id, NodeType::Company, "id") {
            Ok(uuid) => company_by_id(ctx, uuid).await,
            Err(AppError::NotFound(_)) => Ok(None),
            Err(error) => Err(error),
        }
    }
}

/// A company's descriptive fields. Leave a field out to keep it; send null to clear it.
#[derive(InputObject)]
pub struct UpdateCompanyInput {
    /// The company to change.
    pub id: ID,
    /// Its website (an http(s) URL). Left out: unchanged; `null` clears it.
    pub website: MaybeUndefined<Url>,
    /// 1 to 100 characters. Left out: unchanged; `null` clears it.
    pub industry: MaybeUndefined<String>,
    /// The employee count range, 1 to 50 characters (e.g. "51-200"). Left out: unchanged;
    /// `null` clears it.
    pub size_band: MaybeUndefined<String>,
    /// 1 to 255 characters. Left out: unchanged; `null` clears it.
    pub headquarters: MaybeUndefined<String>,
    /// 1 to 10,000 characters. Left out: unchanged; `null` clears it.
    pub business_lines: MaybeUndefined<String>,
    /// 1 to 10,000 characters. Left out: unchanged; `null` clears it.
    pub known_initiatives: MaybeUndefined<String>,
    /// Up to 30 keywords of up to 100 characters. Left out: unchanged; `null` empties it.
    pub culture_signals: MaybeUndefined<Vec<String>>,
    /// LOW, DEVELOPING or ADVANCED. Left out: unchanged; `null` clears it.
    pub data_ai_maturity: MaybeUndefined<DataAiMaturity>,
}

/// What `updateCompany` answers.
#[derive(SimpleObject)]
pub struct CompanyPayload {
    /// The company as it now is.
    pub company: Company,
}

#[derive(Default)]
pub struct CompaniesMutation;

#[Object]
impl CompaniesMutation {
    /// Changes a company's descriptive fields. The catalog is shared by every user, so only
    /// platform admins change it (`FORBIDDEN` for anyone else); `NOT_FOUND` if there is no such
    /// company; `BAD_USER_INPUT` naming the field for a value out of range.
    async fn update_company(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `UpdateCompanyInput`. Every field is checked before anything is written."
        )]
        input: UpdateCompanyInput,
    ) -> AppResult<CompanyPayload> {
        let changes = CompanyChanges {
            website: field(input.website, validate::url("website", &[]))?,
            industry: field(input.industry, text("industry", 100))?,
            size_band: field(input.size_band, text("sizeBand", 50))?,
            headquarters: field(input.headquarters, text("headquarters", 255))?,
            business_lines: field(input.business_lines, text("businessLines", 10_000))?,
            known_initiatives: field(input.known_initiatives, text("knownInitiatives", 10_000))?,
            culture_signals: labels_field(input.culture_signals, "cultureSignals", 30)?,
            data_ai_maturity: field(input.data_ai_maturity, Ok)?,
        };
        let id = decode_as(&input.id, NodeType::Company, "id")?;
        let who = viewer(ctx)?.principal();
        let mut conn = services(ctx).pool.get().await?;
        if !access::is_platform_admin(&mut conn, who).await? {
            return Err(AppError::Forbidden(
                "only platform admins change the company catalog",
            ));
        }
        let row = conn
            .transaction::<_, AppError, _>(async |conn| Ok(store::update_company(conn, id, &changes).await?))
            .await?
            .ok_or(AppError::NotFound("Company"))?;
        Ok(CompanyPayload {
            company: Company(row),
        })
    }
}
