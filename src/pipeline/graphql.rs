//! GraphQL for the pipeline: candidates, candidacies and their history, a requisition's
//! pipeline, applying to a requisition, and consent.

use async_graphql::{Context, ID, InputObject, Json, MergedObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{Nullable, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use super::enums::CandidacyStage;
use super::notices;
use super::store::{
    self, CandidaciesOfCandidate, CandidacyById, CandidacyEventRow, CandidacyRow, CandidateById,
    CandidateRow, CandidateValues, CountsOfRequisition, HistoryOfCandidacy, NewCandidacy, RecordShareRow,
    SharingCandidate,
};
use crate::access::Principal;
use crate::applications::enums::ApplicationStatus;
use crate::applications::graphql::{Application, application_by_id};
use crate::applications::store as applications;
use crate::db::schema::{candidacies, candidates, record_shares, requisitions};
use crate::graphql::connection::{Conn, Listing, PageArgs, PageKey};
use crate::graphql::context::{services, viewer};
use crate::graphql::errors::{AppError, AppResult};
use crate::graphql::ids::{NodeType, decode_as};
use crate::graphql::scalars::{EmailAddress, Url};
use crate::hiring::enums::RequisitionStatus;
use crate::hiring::graphql::{
    Organization, OrganizationMember, Requisition, RequisitionPipeline, authorize, load_organization,
    require_hiring_team,
};
use crate::hiring::store::{
    self as hiring, MemberById, OrganizationById, RequisitionById, SkillsOfRequisition,
};
use crate::jobs::enums::SkillImportance;
use crate::jobs::graphql::{SkillGap, extract_skills, skill_gap_of};
use crate::jobs::score::Wanted;
use crate::jobs::store::{self as jobs, NewJobPosting};
use crate::payload_edge;
use crate::profile::graphql::{CandidateProfile, profile_of};
use crate::validate::{self, text, url};

#[derive(Clone, Debug)]
pub struct Candidate(pub CandidateRow);

/// Someone an organisation considers hiring (Assist-Ten Candidate): a careergraph user who
/// applied, or a person a recruiter added by hand. Seen by the organisation's hiring team
/// (and hiring managers, for their requisitions); never by the candidate.
#[Object]
impl Candidate {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::Candidate.id(self.0.id)
    }
    /// Full name.
    async fn full_name(&self) -> &str {
        &self.0.full_name
    }
    /// Email address (unique within the organisation).
    async fn email(&self) -> &EmailAddress {
        &self.0.email
    }
    /// Phone number.
    async fn phone(&self) -> Option<&str> {
        self.0.phone.as_deref()
    }
    /// Their role now.
    async fn current_role(&self) -> Option<&str> {
        self.0.current_position.as_deref()
    }
    /// Where they are.
    async fn location(&self) -> Option<&str> {
        self.0.location.as_deref()
    }
    /// Their education, in a line.
    async fn education(&self) -> Option<&str> {
        self.0.education.as_deref()
    }
    /// LinkedIn profile URL.
    async fn linkedin_url(&self) -> Option<&Url> {
        self.0.linkedin_url.as_ref()
    }
    /// GitHub profile URL.
    async fn github_url(&self) -> Option<&Url> {
        self.0.github_url.as_ref()
    }
    /// Portfolio URL.
    async fn portfolio_url(&self) -> Option<&Url> {
        self.0.portfolio_url.as_ref()
    }
    /// Their seniority ("senior").
    async fn experience_level(&self) -> Option<&str> {
        self.0.experience_level.as_deref()
    }
    /// Years of professional experience.
    async fn experience_years(&self) -> Option<i32> {
        self.0.experience_years
    }
    /// Skills as the recruiter noted them (free text).
    async fn skills(&self) -> Vec<String> {
        crate::graphql::present(&self.0.skills)
    }
    /// How much of their time they could give, 0 to 100 percent.
    async fn availability_percentage(&self) -> Option<i32> {
        self.0.availability_percentage
    }
    /// When they became a candidate.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the candidate's details last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// Whether they are a careergraph user (who applied) rather than a person added by hand.
    async fn is_user(&self) -> bool {
        self.0.user_id.is_some()
    }
    /// Whether they share their career record with the organisation now.
    async fn record_shared(&self, ctx: &Context<'_>) -> AppResult<bool> {
        shares_record(ctx, self.0.id).await
    }
    /// Their live career record (profile, technical review, skills) while they share it;
    /// null once they revoke the consent (`Candidacy.submittedRecord` keeps what they sent).
    async fn profile(&self, ctx: &Context<'_>) -> AppResult<Option<CandidateProfile>> {
        match self.0.user_id {
            Some(user_id) if shares_record(ctx, self.0.id).await? => {
                Ok(Some(profile_of(ctx, user_id).await?))
            }
            _ => Ok(None),
        }
    }
    /// The requisitions they are a candidate for, oldest first.
    async fn candidacies(&self, ctx: &Context<'_>) -> AppResult<Vec<Candidacy>> {
        let rows = viewer(ctx)?
            .loaders
            .many::<CandidaciesOfCandidate>(self.0.id)
            .await?;
        Ok(rows.into_iter().map(Candidacy::from).collect())
    }
    /// The organisation.
    async fn organization(&self, ctx: &Context<'_>) -> AppResult<Organization> {
        load_organization(ctx, self.0.organization_id).await
    }
}

async fn shares_record(ctx: &Context<'_>, candidate_id: Uuid) -> AppResult<bool> {
    Ok(viewer(ctx)?
        .loaders
        .one::<SharingCandidate>(candidate_id)
        .await?
        .is_some())
}

/// A candidate's candidacy for one requisition, with its stage and history, and the hiring
/// team's notes and interviews.
#[derive(MergedObject, Clone)]
pub struct Candidacy(pub CandidacyDetails, pub CandidacyEvaluation);

impl Candidacy {
    /// Opaque global id, as the `Node` interface reads it.
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(NodeType::Candidacy.id(self.0.0.id))
    }

    pub fn row(&self) -> &CandidacyRow {
        &self.0.0
    }
}

impl From<CandidacyRow> for Candidacy {
    fn from(row: CandidacyRow) -> Self {
        let candidacy_id = row.id;
        Self(CandidacyDetails(row), CandidacyEvaluation { candidacy_id })
    }
}

/// The part of `Candidacy` that shows the hiring team's notes and interviews. Their types
/// belong to the evaluation area, which sits above this one, so that area implements the part
/// (see "A field from a higher area" in ARCHITECTURE.md).
#[derive(Clone, Copy, Debug)]
pub struct CandidacyEvaluation {
    pub candidacy_id: Uuid,
}

/// A candidacy's own fields.
#[derive(Clone, Debug)]
pub struct CandidacyDetails(pub CandidacyRow);

#[Object]
impl CandidacyDetails {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::Candidacy.id(self.0.id)
    }
    /// Where it is in the pipeline; see `CandidacyStage` for the legal moves.
    async fn stage(&self) -> CandidacyStage {
        self.0.stage
    }
    /// What the candidate wrote when applying.
    async fn cover_note(&self) -> Option<&str> {
        self.0.cover_note.as_deref()
    }
    /// What the candidate's career record held when they applied (profile, experiences with
    /// their bullets, projects, STAR stories and skills, education, skills), kept after they
    /// revoke the consent. Null for candidates added by hand.
    async fn submitted_record(&self) -> Option<Json<serde_json::Value>> {
        self.0.submitted_record.clone().map(Json)
    }
    /// When it began.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it last moved.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// The candidate.
    async fn candidate(&self, ctx: &Context<'_>) -> AppResult<Candidate> {
        viewer(ctx)?
            .loaders
            .one::<CandidateById>(self.0.candidate_id)
            .await?
            .map(Candidate)
            .ok_or(AppError::NotFound("Candidate"))
    }
    /// The requisition.
    async fn requisition(&self, ctx: &Context<'_>) -> AppResult<Requisition> {
        viewer(ctx)?
            .loaders
            .one::<RequisitionById>(self.0.requisition_id)
            .await?
            .map(Requisition::from)
            .ok_or(AppError::NotFound("Requisition"))
    }
    /// Every stage move, oldest first.
    async fn history(&self, ctx: &Context<'_>) -> AppResult<Vec<CandidacyEvent>> {
        let rows = viewer(ctx)?.loaders.many::<HistoryOfCandidacy>(self.0.id).await?;
        Ok(rows.into_iter().map(CandidacyEvent).collect())
    }
    /// How the candidate's shared record covers the requisition's required skills (each a
    /// must-have), by the same formula as a job posting's `skillGap`. Null while the record is
    /// not shared (a candidate added by hand, or consent revoked).
    async fn skill_gap(&self, ctx: &Context<'_>) -> AppResult<Option<SkillGap>> {
        let me = viewer(ctx)?;
        let Some(candidate) = me.loaders.one::<CandidateById>(self.0.candidate_id).await? else {
            return Ok(None);
        };
        let (Some(user_id), Some(_)) = (
            candidate.user_id,
            me.loaders.one::<SharingCandidate>(candidate.id).await?,
        ) else {
            return Ok(None);
        };
        let wanted = me
            .loaders
            .many::<SkillsOfRequisition>(self.0.requisition_id)
            .await?
            .into_iter()
            .map(|row| Wanted {
                skill_id: row.skill_id,
                importance: SkillImportance::MustHave,
            })
            .collect();
        Ok(Some(skill_gap_of(ctx, wanted, user_id).await?))
    }
}

#[derive(Clone, Debug)]
pub struct CandidacyEvent(CandidacyEventRow);

/// One stage move of a candidacy.
#[Object]
impl CandidacyEvent {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::CandidacyEvent.id(self.0.id)
    }
    /// The stage it left; null for the first entry.
    async fn from_stage(&self) -> Option<CandidacyStage> {
        self.0.from_stage
    }
    /// The stage it reached.
    async fn to_stage(&self) -> CandidacyStage {
        self.0.to_stage
    }
    /// Why, as the mover wrote it.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    /// When.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// The member who moved it; null when the candidate did (applying, withdrawing) or the
    /// member has left.
    async fn actor(&self, ctx: &Context<'_>) -> AppResult<Option<OrganizationMember>> {
        let Some(member) = self.0.actor_member_id else {
            return Ok(None);
        };
        Ok(viewer(ctx)?
            .loaders
            .one::<MemberById>(member)
            .await?
            .map(OrganizationMember))
    }
}

/// A requisition's candidacies, oldest first.
pub struct CandidaciesOfRequisition;

impl Listing for CandidaciesOfRequisition {
    type Table = candidacies::table;
    type Row = CandidacyRow;
    type Filter = Option<CandidacyStage>;
    const FROM: &'static str = "candidacies t";
    const PARENT: &'static str = "t.requisition_id";
    const WHERE: &'static str = "and ($7::text is null or t.stage = $7)";

    fn order_by(_: &Self::Filter) -> &'static str {
        "t.created_at"
    }

    fn bind<'a>(
        query: BoxedSqlQuery<'a, Pg, SqlQuery>,
        stage: &Self::Filter,
    ) -> BoxedSqlQuery<'a, Pg, SqlQuery> {
        query.bind::<Nullable<Text>, _>(stage.map(CandidacyStage::as_str))
    }
}

/// An organisation's candidates, by name.
pub struct CandidatesOfOrganization;

impl Listing for CandidatesOfOrganization {
    type Table = candidates::table;
    type Row = CandidateRow;
    type Filter = ();
    const FROM: &'static str = "candidates t";
    const PARENT: &'static str = "t.organization_id";

    fn order_by(_: &()) -> &'static str {
        "lower(t.full_name)"
    }
}

#[Object]
impl RequisitionPipeline {
    /// Its candidacies the viewer may see (its hiring team: all; its hiring manager: all),
    /// oldest first.
    async fn candidacies(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only candidacies at this stage.")] stage: Option<CandidacyStage>,
        #[graphql(desc = "Return the first N items (0 to 100), after `after` if given. Default 50.")]
        first: Option<i32>,
        #[graphql(
            desc = "A cursor (an edge's `cursor` or `pageInfo.endCursor`): return the items after it."
        )]
        after: Option<String>,
        #[graphql(desc = "Return the last N items (0 to 100), before `before` if given.")] last: Option<i32>,
        #[graphql(
            desc = "A cursor (an edge's `cursor` or `pageInfo.startCursor`): return the items before it."
        )]
        before: Option<String>,
    ) -> AppResult<Conn<Candidacy>> {
        let key = PageKey {
            parent: self.requisition_id,
            args: PageArgs::new(first, after, last, before)?,
            filter: stage,
        };
        let page = viewer(ctx)?.loaders.page::<CandidaciesOfRequisition>(key).await?;
        Ok(page.into_connection(|row| row.id, Candidacy::from))
    }
    /// How many candidacies it has (those the viewer may see; 0 for anyone outside the
    /// hiring team).
    async fn total_applicants(&self, ctx: &Context<'_>) -> AppResult<i32> {
        Ok(self.counts(ctx).await?.0)
    }
    /// How many of them reached INTERVIEWING, wherever they are now.
    async fn total_interviewed(&self, ctx: &Context<'_>) -> AppResult<i32> {
        Ok(self.counts(ctx).await?.1)
    }
    /// How many were hired.
    async fn total_hired(&self, ctx: &Context<'_>) -> AppResult<i32> {
        Ok(self.counts(ctx).await?.2)
    }
}

impl RequisitionPipeline {
    async fn counts(&self, ctx: &Context<'_>) -> AppResult<(i32, i32, i32)> {
        let Ok(me) = viewer(ctx) else {
            return Ok((0, 0, 0));
        };
        let counts = me.loaders.one::<CountsOfRequisition>(self.requisition_id).await?;
        Ok(counts.map_or((0, 0, 0), |c| {
            (c.applicants as i32, c.interviewed as i32, c.hired as i32)
        }))
    }
}

#[derive(Clone, Debug)]
pub struct RecordShare(pub RecordShareRow);

/// A user's consent to an organisation reading their career record.
#[Object]
impl RecordShare {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::RecordShare.id(self.0.id)
    }
    /// The organisation that may read the record.
    async fn organization(&self, ctx: &Context<'_>) -> AppResult<Organization> {
        load_organization(ctx, self.0.organization_id).await
    }
    /// When the consent was (last) given.
    async fn granted_at(&self) -> DateTime<Utc> {
        self.0.granted_at
    }
    /// When it was revoked; null while it holds.
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }
    /// Whether the organisation may read the record now.
    async fn active(&self) -> bool {
        self.0.revoked_at.is_none()
    }
}

/// `User.recordShares`: every organisation the user gave consent to, most recent first.
pub async fn record_shares_of(ctx: &Context<'_>, user_id: Uuid) -> AppResult<Vec<RecordShare>> {
    let rows = viewer(ctx)?.loaders.many::<SharesOfUser>(user_id).await?;
    Ok(rows.into_iter().map(RecordShare).collect())
}

crate::guarded_relation!(
    /// Each user's record shares, most recent first.
    SharesOfUser: record_shares.user_id => RecordShareRow,
    order by crate::db::schema::record_shares::granted_at.desc()
);

/// `node(id:)` for the pipeline's types.
pub async fn candidate_by_id(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<Candidate>> {
    Ok(viewer(ctx)?
        .loaders
        .one::<CandidateById>(id)
        .await?
        .map(Candidate))
}

pub async fn candidacy_by_id(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<Candidacy>> {
    Ok(viewer(ctx)?
        .loaders
        .one::<CandidacyById>(id)
        .await?
        .map(Candidacy::from))
}

/// The stage move with this id, if the viewer may read its candidacy.
pub async fn candidacy_event_by_id(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<CandidacyEvent>> {
    Ok(viewer(ctx)?
        .loaders
        .one::<store::CandidacyEventById>(id)
        .await?
        .map(CandidacyEvent))
}

/// The record share with this id, if the viewer may read it (the user who gave it).
pub async fn record_share_by_id(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<RecordShare>> {
    Ok(viewer(ctx)?
        .loaders
        .one::<store::RecordShareById>(id)
        .await?
        .map(RecordShare))
}

#[derive(Default)]
pub struct PipelineQuery;

#[Object]
impl PipelineQuery {
    /// An organisation's candidates, by name (its admins and recruiters see all; hiring
    /// managers those of their requisitions).
    async fn candidates(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organisation.")] organization_id: ID,
        #[graphql(desc = "Return the first N items (0 to 100), after `after` if given. Default 50.")]
        first: Option<i32>,
        #[graphql(
            desc = "A cursor (an edge's `cursor` or `pageInfo.endCursor`): return the items after it."
        )]
        after: Option<String>,
        #[graphql(desc = "Return the last N items (0 to 100), before `before` if given.")] last: Option<i32>,
        #[graphql(
            desc = "A cursor (an edge's `cursor` or `pageInfo.startCursor`): return the items before it."
        )]
        before: Option<String>,
    ) -> AppResult<Conn<Candidate>> {
        let key = PageKey {
            parent: decode_as(&organization_id, NodeType::Organization, "organizationId")?,
            args: PageArgs::new(first, after, last, before)?,
            filter: (),
        };
        let page = viewer(ctx)?.loaders.page::<CandidatesOfOrganization>(key).await?;
        Ok(page.into_connection(|row| row.id, Candidate))
    }
}

/// Applying to a requisition on the job board.
#[derive(InputObject)]
pub struct ApplyToRequisitionInput {
    /// A published, open requisition.
    pub requisition_id: ID,
    /// Up to 5,000 characters for the hiring team.
    pub cover_note: Option<String>,
}

/// What `applyToRequisition` answers.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct ApplyToRequisitionPayload {
    /// The viewer's own application, SUBMITTED, for a job posting copied from the
    /// requisition; it follows the organisation's stage moves.
    pub application: Application,
}

payload_edge!(ApplyToRequisitionPayload.application_edge: Application = application, id application.0.id);

/// The organisation whose consent to end.
#[derive(InputObject)]
pub struct RevokeConsentInput {
    /// The organisation.
    pub organization_id: ID,
}

/// What `revokeConsent` answers.
#[derive(SimpleObject)]
pub struct RevokeConsentPayload {
    /// The consent, now revoked.
    pub record_share: RecordShare,
}

/// A person a recruiter adds as a candidate.
#[derive(InputObject)]
pub struct AddCandidateInput {
    /// The organisation.
    pub organization_id: ID,
    /// 1 to 200 characters.
    pub full_name: String,
    /// Unique within the organisation (`CONFLICT` otherwise).
    pub email: EmailAddress,
    /// A phone number.
    pub phone: Option<String>,
    /// Up to 200 characters.
    pub current_role: Option<String>,
    /// Up to 200 characters.
    pub location: Option<String>,
    /// Up to 500 characters.
    pub education: Option<String>,
    /// An http(s) URL.
    pub linkedin_url: Option<Url>,
    /// An http(s) URL.
    pub github_url: Option<Url>,
    /// An http(s) URL.
    pub portfolio_url: Option<Url>,
    /// Up to 50 characters.
    pub experience_level: Option<String>,
    /// 0 to 70.
    pub experience_years: Option<i32>,
    /// Up to 50 skills of up to 100 characters.
    #[graphql(default)]
    pub skills: Vec<String>,
    /// 0 to 100.
    pub availability_percentage: Option<i32>,
}

/// What candidate mutations answer.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct CandidatePayload {
    /// The candidate as they now are.
    pub candidate: Candidate,
}

payload_edge!(CandidatePayload.candidate_edge: Candidate = candidate, id candidate.0.id);

/// A candidate put forward for a requisition by the hiring team.
#[derive(InputObject)]
pub struct AddCandidacyInput {
    /// The candidate.
    pub candidate_id: ID,
    /// A requisition of the same organisation.
    pub requisition_id: ID,
    /// Up to 5,000 characters.
    pub cover_note: Option<String>,
}

/// A stage move.
#[derive(InputObject)]
pub struct MoveCandidacyInput {
    /// The candidacy.
    pub candidacy_id: ID,
    /// Where it goes; see `CandidacyStage` for the legal moves.
    pub stage: CandidacyStage,
    /// Why (up to 2,000 characters), kept in the history.
    pub note: Option<String>,
}

/// An application of the viewer's to withdraw.
#[derive(InputObject)]
pub struct WithdrawApplicationInput {
    /// The viewer's application (any open status).
    pub application_id: ID,
    /// Why (up to 2,000 characters): kept in the application's history and, for an
    /// application to a requisition, in the candidacy's history and the hiring team's
    /// notification.
    pub note: Option<String>,
}

/// What `withdrawApplication` answers.
#[derive(SimpleObject)]
pub struct WithdrawApplicationPayload {
    /// The application, now WITHDRAWN.
    pub application: Application,
}

/// What candidacy mutations answer.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct CandidacyPayload {
    /// The candidacy as it now is.
    pub candidacy: Candidacy,
}

payload_edge!(CandidacyPayload.candidacy_edge: Candidacy = candidacy, id candidacy.0.0.id);

/// The member the principal is in the organisation, if they are one.
async fn acting_member(
    conn: &mut AsyncPgConnection,
    who: Principal,
    organization_id: Uuid,
) -> AppResult<Option<Uuid>> {
    Ok(hiring::member_of(conn, who, organization_id, who.user_id)
        .await?
        .map(|member| member.id))
}

/// Sets the candidate's own application to the status a stage shows them, as the candidate
/// (the organisation acts on it under the consent they gave by applying). A status the
/// candidate already has, or an application they closed themselves, stays.
async fn mirror_into_application(
    conn: &mut AsyncPgConnection,
    candidacy: &CandidacyRow,
    note: Option<&str>,
) -> AppResult<()> {
    let Some(application_id) = candidacy.application_id else {
        return Ok(());
    };
    let Some(owner) = store::application_owner(conn, application_id).await? else {
        return Ok(());
    };
    let as_candidate = Principal::user(owner);
    let Some(application) = applications::lock_application(conn, as_candidate, application_id).await? else {
        return Ok(());
    };
    let to = candidacy.stage.application_status();
    if application.status == to || application.status.allowed_moves().is_empty() {
        return Ok(());
    }
    applications::move_application(conn, as_candidate, &application, to, note).await?;
    Ok(())
}

fn cover_note(value: Option<String>) -> AppResult<Option<String>> {
    value.map(text("coverNote", 5_000)).transpose()
}

#[derive(Default)]
pub struct PipelineMutation;

#[Object]
impl PipelineMutation {
    /// Applies to a requisition of the job board: makes (or reuses) the viewer's candidate
    /// record in the organisation, the candidacy (APPLIED, with a snapshot of the career
    /// record), the consent that lets the organisation read the live record until
    /// `revokeConsent`, and the viewer's own application, SUBMITTED, for a job posting
    /// copied from the requisition. `CONFLICT` when already applied; `BAD_USER_INPUT` when the
    /// requisition is not taking applications.
    async fn apply_to_requisition(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The requisition and a cover note.")] input: ApplyToRequisitionInput,
    ) -> AppResult<ApplyToRequisitionPayload> {
        let who = viewer(ctx)?.principal();
        let requisition_id = decode_as(&input.requisition_id, NodeType::Requisition, "requisitionId")?;
        let note = cover_note(input.cover_note)?;
        let mut conn = services(ctx).pool.get().await?;
        let application_id = conn
            .transaction::<_, AppError, _>(async |conn| {
                let requisition = hiring::lock_requisition(conn, who, requisition_id)
                    .await?
                    .ok_or(AppError::NotFound("Requisition"))?;
                let open = requisition.is_published
                    && requisition.status == RequisitionStatus::Open
                    && requisition.closes_at.is_none_or(|closes| closes > Utc::now());
                if !open {
                    return Err(AppError::bad_input(
                        "requisitionId",
                        "the requisition is not taking applications",
                    ));
                }
                let organization = hiring::one::<OrganizationById>(conn, who, requisition.organization_id)
                    .await?
                    .ok_or(AppError::NotFound("Organization"))?;
                let email = hiring::email_of(conn, who)
                    .await?
                    .ok_or(AppError::NotFound("User"))?;
                let profile = crate::profile::store::profile_of(conn, who).await?;
                let candidate =
                    match store::lock_candidate_of_user(conn, organization.id, who.user_id, &email).await? {
                        Some(found) if found.user_id.is_none() => {
                            store::link_candidate(conn, found.id, who.user_id).await?
                        }
                        Some(found) => found,
                        None => {
                            let values = CandidateValues {
                                full_name: profile.full_name.clone().unwrap_or_else(|| email.clone()),
                                email: EmailAddress(email.clone()),
                                phone: profile.phone.clone(),
                                location: profile.location.clone(),
                                current_position: profile.headline.clone(),
                                linkedin_url: profile.linkedin_url.clone(),
                                github_url: profile.github_url.clone(),
                                portfolio_url: profile.portfolio_url.clone(),
                                experience_years: profile.years_experience,
                                ..CandidateValues::default()
                            };
                            store::insert_candidate(conn, organization.id, Some(who.user_id), None, &values)
                                .await?
                        }
                    };
                store::grant_share(conn, who.user_id, organization.id).await?;
                let posting = jobs::insert_posting(
                    conn,
                    who,
                    &NewJobPosting {
                        url: None,
                        company_name: organization.name.clone(),
                        job_title: requisition.title.clone(),
                        location: requisition.location.clone(),
                        remote_ok: requisition.remote_ok,
                        employment_type: requisition.employment_type,
                        seniority: requisition.experience_level.clone(),
                        salary_min: requisition.min_salary,
                        salary_max: requisition.max_salary,
                        salary_currency: requisition.currency.clone(),
                        description: requisition.description.clone(),
                        responsibilities: None,
                        requirements: None,
                        nice_to_haves: None,
                    },
                )
                .await?;
                extract_skills(conn, who, &posting).await?;
                let application =
                    applications::insert_application(conn, who, posting.id, note.as_deref(), None)
                        .await?
                        .ok_or_else(|| {
                            AppError::internal(anyhow::anyhow!("a new posting already had an application"))
                        })?;
                let snapshot = store::record_snapshot(conn, who.user_id).await?;
                let candidacy = store::insert_candidacy(
                    conn,
                    NewCandidacy {
                        candidate: &candidate,
                        requisition_id,
                        cover_note: note.as_deref(),
                        submitted_record: Some(snapshot),
                        application_id: Some(application.id),
                        actor_member_id: None,
                    },
                )
                .await?
                .ok_or_else(|| {
                    AppError::Conflict("you have already applied to this requisition".to_owned())
                })?;
                mirror_into_application(conn, &candidacy, None).await?;
                Ok(application.id)
            })
            .await?;
        let application = application_by_id(ctx, application_id)
            .await?
            .ok_or(AppError::NotFound("Application"))?;
        Ok(ApplyToRequisitionPayload { application })
    }

    /// Withdraws one of the viewer's applications (WITHDRAWN). For one made by
    /// `applyToRequisition`, the organisation's candidacy becomes WITHDRAWN too (recorded as
    /// the candidate's move) and its admins and recruiters and the requisition's hiring manager
    /// are notified; the consent stays until `revokeConsent`. `NOT_FOUND` when the application
    /// is not the viewer's; `BAD_USER_INPUT` when it is closed already (or its candidacy is
    /// HIRED or REJECTED).
    async fn withdraw_application(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The application and why.")] input: WithdrawApplicationInput,
    ) -> AppResult<WithdrawApplicationPayload> {
        let who = viewer(ctx)?.principal();
        let id = decode_as(&input.application_id, NodeType::Application, "applicationId")?;
        let note = input.note.map(text("note", 2_000)).transpose()?;
        let mut conn = services(ctx).pool.get().await?;
        conn.transaction::<_, AppError, _>(async |conn| {
            let application = applications::lock_application(conn, who, id)
                .await?
                .ok_or(AppError::NotFound("Application"))?;
            let closed = |what: String| {
                AppError::bad_input("applicationId", format!("{what}: it can no longer be withdrawn"))
            };
            if !application
                .status
                .allowed_moves()
                .contains(&ApplicationStatus::Withdrawn)
            {
                return Err(closed(format!(
                    "the application is {}",
                    application.status.as_str().to_uppercase()
                )));
            }
            let Some(candidacy) = store::lock_candidacy_of_application(conn, id).await? else {
                applications::move_application(
                    conn,
                    who,
                    &application,
                    ApplicationStatus::Withdrawn,
                    note.as_deref(),
                )
                .await?;
                return Ok(());
            };
            if !candidacy.stage.may_become(CandidacyStage::Withdrawn) {
                return Err(closed(format!(
                    "the organisation's candidacy is {}",
                    candidacy.stage.as_str().to_uppercase()
                )));
            }
            let moved =
                store::move_candidacy(conn, &candidacy, CandidacyStage::Withdrawn, None, note.as_deref())
                    .await?;
            mirror_into_application(conn, &moved, note.as_deref()).await?;
            notices::withdrawn(conn, &moved, note.as_deref()).await?;
            Ok(())
        })
        .await?;
        let application = application_by_id(ctx, id)
            .await?
            .ok_or(AppError::NotFound("Application"))?;
        Ok(WithdrawApplicationPayload { application })
    }

    /// Ends the viewer's consent for an organisation: from now on it cannot read the live
    /// record (what was submitted with each application stays with it). Applying again
    /// grants it anew. `NOT_FOUND` when there is no active consent.
    async fn revoke_consent(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organisation.")] input: RevokeConsentInput,
    ) -> AppResult<RevokeConsentPayload> {
        let who = viewer(ctx)?.principal();
        let organization_id = decode_as(&input.organization_id, NodeType::Organization, "organizationId")?;
        let mut conn = services(ctx).pool.get().await?;
        let share = store::revoke_share(&mut conn, who, organization_id)
            .await?
            .ok_or(AppError::NotFound("consent"))?;
        Ok(RevokeConsentPayload {
            record_share: RecordShare(share),
        })
    }

    /// Adds a person as a candidate of an organisation (its admins and recruiters).
    async fn add_candidate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The candidate; every field is checked before anything is written.")]
        input: AddCandidateInput,
    ) -> AppResult<CandidatePayload> {
        let who = viewer(ctx)?.principal();
        let organization_id = decode_as(&input.organization_id, NodeType::Organization, "organizationId")?;
        let values = CandidateValues {
            full_name: validate::text_of("fullName", &input.full_name, 200)?,
            email: validate::email("email", &input.email)?,
            phone: input.phone.map(|p| validate::phone("phone", &p)).transpose()?,
            current_position: input.current_role.map(text("currentRole", 200)).transpose()?,
            location: input.location.map(text("location", 200)).transpose()?,
            education: input.education.map(text("education", 500)).transpose()?,
            linkedin_url: input.linkedin_url.map(url("linkedinUrl", &[])).transpose()?,
            github_url: input.github_url.map(url("githubUrl", &[])).transpose()?,
            portfolio_url: input.portfolio_url.map(url("portfolioUrl", &[])).transpose()?,
            experience_level: input
                .experience_level
                .map(text("experienceLevel", 50))
                .transpose()?,
            experience_years: input
                .experience_years
                .map(|n| validate::int_in("experienceYears", n, 0..=70))
                .transpose()?,
            skills: validate::labels("skills", &input.skills, 50, 100)?,
            availability_percentage: input
                .availability_percentage
                .map(|n| validate::int_in("availabilityPercentage", n, 0..=100))
                .transpose()?,
        };
        let mut conn = services(ctx).pool.get().await?;
        let candidate = conn
            .transaction::<_, AppError, _>(async |conn| {
                require_hiring_team(
                    conn,
                    who,
                    organization_id,
                    "only admins and recruiters add candidates",
                )
                .await?;
                Ok(store::insert_candidate(conn, organization_id, None, Some(who.user_id), &values).await?)
            })
            .await?;
        Ok(CandidatePayload {
            candidate: Candidate(candidate),
        })
    }

    /// Puts a candidate forward for a requisition of their organisation (its admins and
    /// recruiters). `CONFLICT` when they already are.
    async fn add_candidacy(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The candidate and the requisition.")] input: AddCandidacyInput,
    ) -> AppResult<CandidacyPayload> {
        let who = viewer(ctx)?.principal();
        let candidate_id = decode_as(&input.candidate_id, NodeType::Candidate, "candidateId")?;
        let requisition_id = decode_as(&input.requisition_id, NodeType::Requisition, "requisitionId")?;
        let note = cover_note(input.cover_note)?;
        let mut conn = services(ctx).pool.get().await?;
        let candidacy = conn
            .transaction::<_, AppError, _>(async |conn| {
                authorize::<candidates::table>(
                    conn,
                    who,
                    candidate_id,
                    "Candidate",
                    "only admins and recruiters add candidacies",
                )
                .await?;
                authorize::<requisitions::table>(
                    conn,
                    who,
                    requisition_id,
                    "Requisition",
                    "only admins and recruiters add candidacies",
                )
                .await?;
                let candidate = hiring::one::<CandidateById>(conn, who, candidate_id)
                    .await?
                    .ok_or(AppError::NotFound("Candidate"))?;
                let requisition = hiring::one::<RequisitionById>(conn, who, requisition_id)
                    .await?
                    .ok_or(AppError::NotFound("Requisition"))?;
                if requisition.organization_id != candidate.organization_id {
                    return Err(AppError::NotFound("Requisition"));
                }
                let actor = acting_member(conn, who, candidate.organization_id).await?;
                store::insert_candidacy(
                    conn,
                    NewCandidacy {
                        candidate: &candidate,
                        requisition_id,
                        cover_note: note.as_deref(),
                        submitted_record: None,
                        application_id: None,
                        actor_member_id: actor,
                    },
                )
                .await?
                .ok_or_else(|| {
                    AppError::Conflict("the candidate is already a candidate for this requisition".to_owned())
                })
            })
            .await?;
        Ok(CandidacyPayload {
            candidacy: Candidacy::from(candidacy),
        })
    }

    /// Moves a candidacy to another stage (the organisation's admins and recruiters), records
    /// the move, sets the candidate's own application to match and notifies the candidate
    /// (when a careergraph user). An illegal move (see
    /// `CandidacyStage`) is `BAD_USER_INPUT`; hiring beyond the requisition's open positions
    /// too.
    async fn move_candidacy(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The candidacy, the stage and a note.")] input: MoveCandidacyInput,
    ) -> AppResult<CandidacyPayload> {
        let who = viewer(ctx)?.principal();
        let id = decode_as(&input.candidacy_id, NodeType::Candidacy, "candidacyId")?;
        let note = input.note.map(text("note", 2_000)).transpose()?;
        let mut conn = services(ctx).pool.get().await?;
        let candidacy = conn
            .transaction::<_, AppError, _>(async |conn| {
                authorize::<candidacies::table>(
                    conn,
                    who,
                    id,
                    "Candidacy",
                    "only admins and recruiters move candidacies",
                )
                .await?;
                let current = store::lock_candidacy(conn, who, id)
                    .await?
                    .ok_or(AppError::NotFound("Candidacy"))?;
                if !current.stage.may_become(input.stage) {
                    return Err(AppError::bad_input(
                        "stage",
                        format!(
                            "a candidacy at {} cannot move to {}",
                            current.stage.as_str().to_uppercase(),
                            input.stage.as_str().to_uppercase()
                        ),
                    ));
                }
                if input.stage == CandidacyStage::Hired
                    && !hiring::fill_position(conn, who, current.requisition_id).await?
                {
                    return Err(AppError::bad_input(
                        "stage",
                        "every position of the requisition is filled",
                    ));
                }
                let actor = acting_member(conn, who, current.organization_id).await?;
                let moved =
                    store::move_candidacy(conn, &current, input.stage, actor, note.as_deref()).await?;
                mirror_into_application(conn, &moved, note.as_deref()).await?;
                notices::stage_moved(conn, who, &moved).await?;
                Ok(moved)
            })
            .await?;
        Ok(CandidacyPayload {
            candidacy: Candidacy::from(candidacy),
        })
    }
}
