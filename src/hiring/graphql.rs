//! GraphQL for the hiring side: organisations, their members and invitations, the role
//! catalog, requisitions and the public job board.

use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, MergedObject, Object, SimpleObject};
use chrono::{DateTime, Duration, Utc};
use diesel::pg::Pg;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{Bool, Nullable, Text, Uuid as SqlUuid};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use super::enums::{MemberRole, RequisitionStatus, SkillLevel};
use super::store::{
    self, CatalogRoleById, CatalogRoleRow, CatalogRoleValues, ContactOfMember, InvitationById, InvitationRow,
    ManagerOfRequisition, MemberById, MemberRow, NewInvitation, OrganizationById, OrganizationRow,
    RequisitionById, RequisitionRow, RequisitionSkillRow, RequisitionValues, RoleInOrganization,
    SkillsOfCatalogRole, SkillsOfRequisition,
};
use crate::access::{self, Guarded, Principal, Verdict};
use crate::career::enums::EmploymentType;
use crate::db::schema::{organization_members, organizations, requisitions};
use crate::graphql::connection::{Conn, Listing, PageArgs, PageKey};
use crate::graphql::context::{reader, services, viewer};
use crate::graphql::errors::{AppError, AppResult};
use crate::graphql::ids::{NodeType, decode_as};
use crate::graphql::scalars::{EmailAddress, Url};
use crate::graphql::{DeletePayload, IdInput};
use crate::payload_edge;
use crate::skills::graphql::{Skill, load_skill};
use crate::skills::store::{skill_named, visible_skills};
use crate::tokens;
use crate::validate::{self, field, text, url};

/// How long an invitation stays valid.
const INVITATION_DAYS: i64 = 14;

/// What a change to a hiring row may do: `NOT_FOUND` when the principal cannot see it,
/// `FORBIDDEN` when they see it but their role does not let them change it.
pub async fn authorize<T: Guarded>(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
    what: &'static str,
    refusal: &'static str,
) -> AppResult<()> {
    match access::verdict::<T>(conn, who, id).await? {
        Verdict::Allowed => Ok(()),
        Verdict::ReadOnly => Err(AppError::Forbidden(refusal)),
        Verdict::Hidden => Err(AppError::NotFound(what)),
    }
}

#[derive(Clone, Debug)]
pub struct Organization(pub OrganizationRow);

/// An organisation that hires: its public profile, and for its members its people and
/// requisitions.
#[Object]
impl Organization {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::Organization.id(self.0.id)
    }
    /// Display name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Unique, URL-safe name: lower-case letters, digits and single hyphens.
    async fn slug(&self) -> &str {
        &self.0.slug
    }
    /// Its website (http or https).
    async fn website(&self) -> Option<&Url> {
        self.0.website.as_ref()
    }
    /// The industry it works in.
    async fn industry(&self) -> Option<&str> {
        self.0.industry.as_deref()
    }
    /// How many people it employs, as a range ("51-200").
    async fn size_band(&self) -> Option<&str> {
        self.0.size_band.as_deref()
    }
    /// Where it has its headquarters.
    async fn headquarters(&self) -> Option<&str> {
        self.0.headquarters.as_deref()
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// The viewer's role in it; null when the viewer is not a member.
    async fn viewer_role(&self, ctx: &Context<'_>) -> AppResult<Option<MemberRole>> {
        let row = reader(ctx)?.loaders.one::<RoleInOrganization>(self.0.id).await?;
        Ok(row.map(|member| member.role))
    }
    /// Its members, admins first. Empty unless the viewer is a member.
    async fn members(
        &self,
        ctx: &Context<'_>,
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
    ) -> AppResult<Conn<OrganizationMember>> {
        let key = PageKey {
            parent: self.0.id,
            args: PageArgs::new(first, after, last, before)?,
            filter: (),
        };
        let page = reader(ctx)?.loaders.page::<MembersOfOrganization>(key).await?;
        Ok(page.into_connection(|row| row.id, OrganizationMember))
    }
    /// Invitations not yet accepted, newest first. Empty unless the viewer is an admin of it.
    async fn invitations(
        &self,
        ctx: &Context<'_>,
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
    ) -> AppResult<Conn<OrganizationInvitation>> {
        let key = PageKey {
            parent: self.0.id,
            args: PageArgs::new(first, after, last, before)?,
            filter: (),
        };
        let page = reader(ctx)?
            .loaders
            .page::<InvitationsOfOrganization>(key)
            .await?;
        Ok(page.into_connection(|row| row.id, OrganizationInvitation))
    }
    /// Its requisitions the viewer may see, newest first: all of them for its admins and
    /// recruiters, those they manage for hiring managers, those on the job board for anyone.
    async fn requisitions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only requisitions in this status.")] status: Option<RequisitionStatus>,
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
    ) -> AppResult<Conn<Requisition>> {
        let key = PageKey {
            parent: self.0.id,
            args: PageArgs::new(first, after, last, before)?,
            filter: status,
        };
        let page = reader(ctx)?
            .loaders
            .page::<RequisitionsOfOrganization>(key)
            .await?;
        Ok(page.into_connection(|row| row.id, Requisition::from))
    }
}

/// An organisation's members, admins first, then by when they joined.
pub struct MembersOfOrganization;

impl Listing for MembersOfOrganization {
    type Table = organization_members::table;
    type Row = MemberRow;
    type Filter = ();
    const FROM: &'static str = "organization_members t";
    const PARENT: &'static str = "t.organization_id";

    fn order_by(_: &()) -> &'static str {
        "array_position(array['admin', 'recruiter', 'interviewer'], t.role), t.created_at"
    }
}

/// A user's memberships, oldest first.
pub struct MembershipsOfUser;

impl Listing for MembershipsOfUser {
    type Table = organization_members::table;
    type Row = MemberRow;
    type Filter = ();
    const FROM: &'static str = "organization_members t";
    const PARENT: &'static str = "t.user_id";

    fn order_by(_: &()) -> &'static str {
        "t.created_at"
    }
}

/// An organisation's open invitations, newest first.
pub struct InvitationsOfOrganization;

impl Listing for InvitationsOfOrganization {
    type Table = crate::db::schema::organization_invitations::table;
    type Row = InvitationRow;
    type Filter = ();
    const FROM: &'static str = "organization_invitations t";
    const PARENT: &'static str = "t.organization_id";
    const WHERE: &'static str = "and t.accepted_at is null";

    fn order_by(_: &()) -> &'static str {
        "t.created_at desc"
    }
}

/// An organisation's requisitions, newest first.
pub struct RequisitionsOfOrganization;

impl Listing for RequisitionsOfOrganization {
    type Table = requisitions::table;
    type Row = RequisitionRow;
    type Filter = Option<RequisitionStatus>;
    const FROM: &'static str = "requisitions t";
    const PARENT: &'static str = "t.organization_id";
    const WHERE: &'static str = "and ($7::text is null or t.status = $7)";

    fn order_by(_: &Self::Filter) -> &'static str {
        "t.created_at desc"
    }

    fn bind<'a>(
        query: BoxedSqlQuery<'a, Pg, SqlQuery>,
        status: &Self::Filter,
    ) -> BoxedSqlQuery<'a, Pg, SqlQuery> {
        query.bind::<Nullable<Text>, _>(status.map(RequisitionStatus::as_str))
    }
}

#[derive(Clone, Debug)]
pub struct OrganizationMember(pub MemberRow);

/// A member of an organisation.
#[Object]
impl OrganizationMember {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::OrganizationMember.id(self.0.id)
    }
    /// What they may do in the organisation.
    async fn role(&self) -> MemberRole {
        self.0.role
    }
    /// When they joined.
    async fn joined_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// The organisation.
    async fn organization(&self, ctx: &Context<'_>) -> AppResult<Organization> {
        load_organization(ctx, self.0.organization_id).await
    }
    /// Their sign-in email, which other members see.
    async fn email(&self, ctx: &Context<'_>) -> AppResult<EmailAddress> {
        let contact = reader(ctx)?.loaders.one::<ContactOfMember>(self.0.id).await?;
        Ok(contact.map(|c| c.email).unwrap_or_default())
    }
    /// The name on their profile, if they have one.
    async fn name(&self, ctx: &Context<'_>) -> AppResult<Option<String>> {
        let contact = reader(ctx)?.loaders.one::<ContactOfMember>(self.0.id).await?;
        Ok(contact.and_then(|c| c.name))
    }
    /// Whether this member is the viewer.
    async fn is_viewer(&self, ctx: &Context<'_>) -> AppResult<bool> {
        Ok(reader(ctx)?.id == self.0.user_id)
    }
}

/// Whether an invitation can still be accepted.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum InvitationStatus {
    /// Waiting for its invitee.
    Pending,
    /// Used: its invitee is a member.
    Accepted,
    /// Past its expiry without being used.
    Expired,
}

#[derive(Clone, Debug)]
pub struct OrganizationInvitation(pub InvitationRow);

/// An invitation to join an organisation with a role, sent to an email address. Its token
/// (shown once, to the admin who invited) is single-use and expires after 14 days.
#[Object]
impl OrganizationInvitation {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::OrganizationInvitation.id(self.0.id)
    }
    /// Who is invited: only an account with this email may accept.
    async fn email(&self) -> &EmailAddress {
        &self.0.email
    }
    /// The role the invitee gets.
    async fn role(&self) -> MemberRole {
        self.0.role
    }
    /// When the token stops working.
    async fn expires_at(&self) -> DateTime<Utc> {
        self.0.expires_at
    }
    /// When it was accepted.
    async fn accepted_at(&self) -> Option<DateTime<Utc>> {
        self.0.accepted_at
    }
    /// Whether it can still be accepted.
    async fn status(&self) -> InvitationStatus {
        match self.0.accepted_at {
            Some(_) => InvitationStatus::Accepted,
            None if self.0.expires_at <= Utc::now() => InvitationStatus::Expired,
            None => InvitationStatus::Pending,
        }
    }
    /// When it was sent.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// The organisation.
    async fn organization(&self, ctx: &Context<'_>) -> AppResult<Organization> {
        load_organization(ctx, self.0.organization_id).await
    }
}

#[derive(Clone, Debug)]
pub struct CatalogRole(pub CatalogRoleRow);

/// A role of the platform's role catalog (a job title with the skills it usually needs),
/// curated by platform admins.
#[Object]
impl CatalogRole {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::CatalogRole.id(self.0.id)
    }
    /// Unique name (in any case).
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// What the role does.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// The department it usually sits in.
    async fn department(&self) -> Option<&str> {
        self.0.department.as_deref()
    }
    /// Whether it is offered; inactive roles stay for what refers to them.
    async fn is_active(&self) -> bool {
        self.0.is_active
    }
    /// The skills the role needs.
    async fn required_skills(&self, ctx: &Context<'_>) -> AppResult<Vec<Skill>> {
        let links = reader(ctx)?
            .loaders
            .many::<SkillsOfCatalogRole>(self.0.id)
            .await?;
        let mut skills = Vec::with_capacity(links.len());
        for link in links {
            skills.push(load_skill(ctx, link.skill_id).await?);
        }
        Ok(skills)
    }
}

/// An open role an organisation hires for (Assist-Ten JobRequisition).
#[derive(MergedObject, Clone)]
pub struct Requisition(pub RequisitionDetails, pub RequisitionPipeline);

impl Requisition {
    /// Opaque global id, as the `Node` interface reads it.
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(NodeType::Requisition.id(self.0.0.id))
    }

    pub fn row(&self) -> &RequisitionRow {
        &self.0.0
    }
}

impl From<RequisitionRow> for Requisition {
    fn from(row: RequisitionRow) -> Self {
        let requisition_id = row.id;
        Self(RequisitionDetails(row), RequisitionPipeline { requisition_id })
    }
}

/// The part of `Requisition` that shows its candidacies and their numbers. Their types
/// belong to the pipeline area, which sits above this one, so that area implements the part
/// (see "A field from a higher area" in ARCHITECTURE.md).
#[derive(Clone, Copy, Debug)]
pub struct RequisitionPipeline {
    pub requisition_id: Uuid,
}

/// A requisition's own fields.
#[derive(Clone, Debug)]
pub struct RequisitionDetails(pub RequisitionRow);

#[Object]
impl RequisitionDetails {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::Requisition.id(self.0.id)
    }
    /// The job title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// The job's description (plain text or Markdown).
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// The department that hires.
    async fn department(&self) -> Option<&str> {
        self.0.department.as_deref()
    }
    /// Where the job is.
    async fn location(&self) -> Option<&str> {
        self.0.location.as_deref()
    }
    /// Whether the job can be done remotely.
    async fn remote_ok(&self) -> bool {
        self.0.remote_ok
    }
    /// Full time, part time, contract…
    async fn employment_type(&self) -> Option<EmploymentType> {
        self.0.employment_type
    }
    /// The seniority asked for ("senior", "staff"…).
    async fn experience_level(&self) -> Option<&str> {
        self.0.experience_level.as_deref()
    }
    /// Fewest years of experience asked for.
    async fn min_experience_years(&self) -> Option<i32> {
        self.0.min_experience_years
    }
    /// Most years of experience that fit the level.
    async fn max_experience_years(&self) -> Option<i32> {
        self.0.max_experience_years
    }
    /// Lowest yearly salary offered, in `currency`.
    async fn min_salary(&self) -> Option<i32> {
        self.0.min_salary
    }
    /// Highest yearly salary offered, in `currency`.
    async fn max_salary(&self) -> Option<i32> {
        self.0.max_salary
    }
    /// ISO 4217 code of the salaries.
    async fn currency(&self) -> Option<&str> {
        self.0.currency.as_deref()
    }
    /// How many people it hires.
    async fn positions_available(&self) -> i32 {
        self.0.positions_available
    }
    /// How many of the positions are filled.
    async fn positions_filled(&self) -> i32 {
        self.0.positions_filled
    }
    /// Where it stands; see `RequisitionStatus` for the legal moves.
    async fn status(&self) -> RequisitionStatus {
        self.0.status
    }
    /// Whether it is on the public job board (while OPEN and before `closesAt`).
    async fn is_published(&self) -> bool {
        self.0.is_published
    }
    /// When it was first published.
    async fn published_at(&self) -> Option<DateTime<Utc>> {
        self.0.published_at
    }
    /// When it stops taking applications.
    async fn closes_at(&self) -> Option<DateTime<Utc>> {
        self.0.closes_at
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// The organisation that hires.
    async fn organization(&self, ctx: &Context<'_>) -> AppResult<Organization> {
        load_organization(ctx, self.0.organization_id).await
    }
    /// The member who decides the hire; null for those who may not see the organisation's
    /// members.
    async fn hiring_manager(&self, ctx: &Context<'_>) -> AppResult<Option<OrganizationMember>> {
        if self.0.hiring_manager_id.is_none() {
            return Ok(None);
        }
        let manager = reader(ctx)?
            .loaders
            .one::<ManagerOfRequisition>(self.0.id)
            .await?;
        Ok(manager.map(|found| OrganizationMember(found.member)))
    }
    /// The catalog skills it requires, with the level of each, the most demanding first.
    async fn required_skills(&self, ctx: &Context<'_>) -> AppResult<Vec<RequiredSkill>> {
        let rows = reader(ctx)?
            .loaders
            .many::<SkillsOfRequisition>(self.0.id)
            .await?;
        Ok(rows.into_iter().map(RequiredSkill).collect())
    }
}

#[derive(Clone, Debug)]
pub struct RequiredSkill(RequisitionSkillRow);

/// A skill a requisition requires, at a level.
#[Object]
impl RequiredSkill {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::RequiredSkill.id(self.0.id)
    }
    /// The catalog skill.
    async fn skill(&self, ctx: &Context<'_>) -> AppResult<Skill> {
        load_skill(ctx, self.0.skill_id).await
    }
    /// How well it must be known.
    async fn level(&self) -> SkillLevel {
        self.0.level
    }
}

pub async fn load_organization(ctx: &Context<'_>, id: Uuid) -> AppResult<Organization> {
    reader(ctx)?
        .loaders
        .one::<OrganizationById>(id)
        .await?
        .map(Organization)
        .ok_or(AppError::NotFound("Organization"))
}

/// `node(id:)` for the hiring side's types.
pub async fn organization_by_id(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<Organization>> {
    Ok(reader(ctx)?
        .loaders
        .one::<OrganizationById>(id)
        .await?
        .map(Organization))
}

pub async fn member_by_id(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<OrganizationMember>> {
    Ok(reader(ctx)?
        .loaders
        .one::<MemberById>(id)
        .await?
        .map(OrganizationMember))
}

pub async fn invitation_by_id(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<OrganizationInvitation>> {
    Ok(reader(ctx)?
        .loaders
        .one::<InvitationById>(id)
        .await?
        .map(OrganizationInvitation))
}

pub async fn catalog_role_by_id(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<CatalogRole>> {
    Ok(reader(ctx)?
        .loaders
        .one::<CatalogRoleById>(id)
        .await?
        .map(CatalogRole))
}

pub async fn requisition_by_id(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<Requisition>> {
    Ok(reader(ctx)?
        .loaders
        .one::<RequisitionById>(id)
        .await?
        .map(Requisition::from))
}

/// The required skill with this id, if the viewer may read its requisition.
pub async fn required_skill_by_id(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<RequiredSkill>> {
    Ok(reader(ctx)?
        .loaders
        .one::<store::RequisitionSkillById>(id)
        .await?
        .map(RequiredSkill))
}

/// `User.organizations`: the viewer's memberships.
pub async fn memberships_of(
    ctx: &Context<'_>,
    user_id: Uuid,
    args: PageArgs,
) -> AppResult<Conn<OrganizationMember>> {
    let key = PageKey {
        parent: user_id,
        args,
        filter: (),
    };
    let page = viewer(ctx)?.loaders.page::<MembershipsOfUser>(key).await?;
    Ok(page.into_connection(|row| row.id, OrganizationMember))
}

/// Filters of the job board.
#[derive(InputObject, Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct JobBoardFilter {
    /// Full-text search over title, department, location and description (web-search syntax:
    /// words, "quoted phrases", -excluded). At most 500 characters.
    #[graphql(validator(max_length = 500))]
    pub search: Option<String>,
    /// Only jobs whose location contains this text (any case). At most 200 characters.
    #[graphql(validator(max_length = 200))]
    pub location: Option<String>,
    /// Only jobs that can (true) or cannot (false) be done remotely.
    pub remote: Option<bool>,
    /// Only jobs of this employment type.
    pub employment_type: Option<EmploymentType>,
    /// Only jobs that require this catalog skill.
    pub skill_id: Option<ID>,
}

/// The job board: every organisation's published, open requisitions not past `closesAt`,
/// newest publication first. Its rows have no parent; the one key is the nil id.
pub struct JobBoard;

impl Listing for JobBoard {
    type Table = requisitions::table;
    type Row = RequisitionRow;
    type Filter = (
        Option<String>,
        Option<String>,
        Option<bool>,
        Option<EmploymentType>,
        Option<Uuid>,
    );
    const FROM: &'static str = "requisitions t";
    const PARENT: &'static str = "'00000000-0000-0000-0000-000000000000'::uuid";
    const WHERE: &'static str = "and t.is_published and t.status = 'open' and (t.closes_at is null or t.closes_at > now())
        and ($7::text is null or t.search @@ websearch_to_tsquery('english', $7))
        and ($8::text is null or t.location ilike '%' || $8 || '%')
        and ($9::bool is null or t.remote_ok = $9)
        and ($10::text is null or t.employment_type = $10)
        and ($11::uuid is null or exists (select 1 from requisition_skills s where s.requisition_id = t.id and s.skill_id = $11))";

    fn order_by(_: &Self::Filter) -> &'static str {
        "t.published_at desc"
    }

    fn bind<'a>(
        query: BoxedSqlQuery<'a, Pg, SqlQuery>,
        (search, location, remote, employment_type, skill): &Self::Filter,
    ) -> BoxedSqlQuery<'a, Pg, SqlQuery> {
        // LIKE's own wildcards in the client's text are matched literally.
        let location = location
            .as_ref()
            .map(|l| l.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        query
            .bind::<Nullable<Text>, _>(search.clone())
            .bind::<Nullable<Text>, _>(location)
            .bind::<Nullable<Bool>, _>(*remote)
            .bind::<Nullable<Text>, _>(employment_type.map(EmploymentType::as_str))
            .bind::<Nullable<SqlUuid>, _>(*skill)
    }
}

/// The catalog's roles by name; inactive ones only when asked for.
pub struct CatalogRoles;

impl Listing for CatalogRoles {
    type Table = crate::db::schema::catalog_roles::table;
    type Row = CatalogRoleRow;
    type Filter = bool;
    const FROM: &'static str = "catalog_roles t";
    const PARENT: &'static str = "'00000000-0000-0000-0000-000000000000'::uuid";
    const WHERE: &'static str = "and ($7 or t.is_active)";

    fn order_by(_: &bool) -> &'static str {
        "lower(t.name)"
    }

    fn bind<'a>(
        query: BoxedSqlQuery<'a, Pg, SqlQuery>,
        include_inactive: &bool,
    ) -> BoxedSqlQuery<'a, Pg, SqlQuery> {
        query.bind::<Bool, _>(*include_inactive)
    }
}

#[derive(Default)]
pub struct HiringQuery;

#[Object]
impl HiringQuery {
    /// The public job board: published, open requisitions of every organisation, newest
    /// first. Needs no token.
    async fn open_requisitions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to look for; everything on the board when absent.")] filter: Option<
            JobBoardFilter,
        >,
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
    ) -> AppResult<Conn<Requisition>> {
        let filter = filter.unwrap_or_default();
        let skill = filter
            .skill_id
            .as_ref()
            .map(|id| decode_as(id, NodeType::Skill, "skillId"))
            .transpose()?;
        let key = PageKey {
            parent: Uuid::nil(),
            args: PageArgs::new(first, after, last, before)?,
            filter: (
                filter.search,
                filter.location,
                filter.remote,
                filter.employment_type,
                skill,
            ),
        };
        let page = reader(ctx)?.loaders.page::<JobBoard>(key).await?;
        Ok(page.into_connection(|row| row.id, Requisition::from))
    }

    /// The organisation with this slug: its public profile for anyone once it has a job on
    /// the board, everything the viewer's role allows for its members. `NOT_FOUND` otherwise.
    async fn organization(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organisation's slug.", validator(max_length = 64))] slug: String,
    ) -> AppResult<Organization> {
        let who = reader(ctx)?.principal();
        let mut conn = services(ctx).pool.get().await?;
        store::organization_by_slug(&mut conn, who, &slug.to_lowercase())
            .await?
            .map(Organization)
            .ok_or(AppError::NotFound("Organization"))
    }

    /// The platform's role catalog, by name. Needs no token.
    async fn catalog_roles(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Also list roles no longer offered.", default = false)] include_inactive: bool,
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
    ) -> AppResult<Conn<CatalogRole>> {
        let key = PageKey {
            parent: Uuid::nil(),
            args: PageArgs::new(first, after, last, before)?,
            filter: include_inactive,
        };
        let page = reader(ctx)?.loaders.page::<CatalogRoles>(key).await?;
        Ok(page.into_connection(|row| row.id, CatalogRole))
    }
}

/// An organisation's profile.
#[derive(InputObject)]
pub struct CreateOrganizationInput {
    /// 1 to 200 characters.
    pub name: String,
    /// Unique: 1 to 64 lower-case letters, digits and single hyphens.
    pub slug: String,
    /// An http(s) URL.
    pub website: Option<Url>,
    /// Up to 100 characters.
    pub industry: Option<String>,
    /// Up to 50 characters ("51-200").
    pub size_band: Option<String>,
    /// Up to 200 characters.
    pub headquarters: Option<String>,
}

/// Changes to an organisation's profile: absent fields stay, null clears.
#[derive(InputObject)]
pub struct UpdateOrganizationInput {
    /// The organisation.
    pub id: ID,
    /// 1 to 200 characters.
    pub name: Option<String>,
    /// An http(s) URL.
    pub website: MaybeUndefined<Url>,
    /// Up to 100 characters.
    pub industry: MaybeUndefined<String>,
    /// Up to 50 characters.
    pub size_band: MaybeUndefined<String>,
    /// Up to 200 characters.
    pub headquarters: MaybeUndefined<String>,
}

/// What organisation mutations answer.
#[derive(SimpleObject)]
pub struct OrganizationPayload {
    /// The organisation as it now is.
    pub organization: Organization,
}

/// Who to invite, with which role.
#[derive(InputObject)]
pub struct InviteMemberInput {
    /// The organisation (its admins invite).
    pub organization_id: ID,
    /// The invitee's email; only an account with it may accept.
    pub email: EmailAddress,
    /// The role they get.
    pub role: MemberRole,
}

/// What `inviteMember` answers.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct InviteMemberPayload {
    /// The invitation.
    pub invitation: OrganizationInvitation,
    /// The secret the invitee accepts with (`acceptInvitation`). Shown only here: the server
    /// keeps only its hash.
    pub token: String,
}

payload_edge!(InviteMemberPayload.invitation_edge: OrganizationInvitation = invitation, id invitation.0.id);

/// The token of an invitation.
#[derive(InputObject)]
pub struct AcceptInvitationInput {
    /// The token `inviteMember` gave.
    #[graphql(validator(max_length = 200))]
    pub token: String,
}

/// A member and the role they get.
#[derive(InputObject)]
pub struct ChangeMemberRoleInput {
    /// The member.
    pub member_id: ID,
    /// Their new role. The last admin keeps the admin role.
    pub role: MemberRole,
}

/// What member mutations answer.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct MemberPayload {
    /// The member as they now are.
    pub member: OrganizationMember,
}

payload_edge!(MemberPayload.member_edge: OrganizationMember = member, id member.0.id);

/// A requisition's fields.
#[derive(InputObject)]
pub struct CreateRequisitionInput {
    /// The organisation that hires (its admins and recruiters create requisitions).
    pub organization_id: ID,
    /// 1 to 200 characters.
    pub title: String,
    /// Up to 50,000 characters.
    #[graphql(default)]
    pub description: String,
    /// Up to 100 characters.
    pub department: Option<String>,
    /// Up to 200 characters.
    pub location: Option<String>,
    /// Whether the job can be done remotely.
    #[graphql(default)]
    pub remote_ok: bool,
    /// Full time, part time, contract…
    pub employment_type: Option<EmploymentType>,
    /// Up to 50 characters ("senior").
    pub experience_level: Option<String>,
    /// 0 to 70.
    pub min_experience_years: Option<i32>,
    /// 0 to 70, not below the minimum.
    pub max_experience_years: Option<i32>,
    /// Yearly, 0 to 100,000,000.
    pub min_salary: Option<i32>,
    /// Yearly, not below the minimum.
    pub max_salary: Option<i32>,
    /// ISO 4217 code.
    pub currency: Option<String>,
    /// 1 to 10,000. Default 1.
    #[graphql(default = 1)]
    pub positions_available: i32,
    /// A member of the organisation who decides the hire.
    pub hiring_manager_id: Option<ID>,
    /// When it stops taking applications.
    pub closes_at: Option<DateTime<Utc>>,
}

/// Changes to a requisition: absent fields stay, null clears.
#[derive(InputObject)]
pub struct UpdateRequisitionInput {
    /// The requisition.
    pub id: ID,
    /// 1 to 200 characters.
    pub title: Option<String>,
    /// Up to 50,000 characters.
    pub description: Option<String>,
    /// Up to 100 characters.
    pub department: MaybeUndefined<String>,
    /// Up to 200 characters.
    pub location: MaybeUndefined<String>,
    /// Whether the job can be done remotely.
    pub remote_ok: Option<bool>,
    /// Full time, part time, contract…
    pub employment_type: MaybeUndefined<EmploymentType>,
    /// Up to 50 characters.
    pub experience_level: MaybeUndefined<String>,
    /// 0 to 70.
    pub min_experience_years: MaybeUndefined<i32>,
    /// 0 to 70, not below the minimum.
    pub max_experience_years: MaybeUndefined<i32>,
    /// Yearly, 0 to 100,000,000.
    pub min_salary: MaybeUndefined<i32>,
    /// Yearly, not below the minimum.
    pub max_salary: MaybeUndefined<i32>,
    /// ISO 4217 code.
    pub currency: MaybeUndefined<String>,
    /// 1 to 10,000, not below `positionsFilled`.
    pub positions_available: Option<i32>,
    /// 0 to `positionsAvailable`.
    pub positions_filled: Option<i32>,
    /// A member of the organisation who decides the hire.
    pub hiring_manager_id: MaybeUndefined<ID>,
    /// When it stops taking applications.
    pub closes_at: MaybeUndefined<DateTime<Utc>>,
}

/// A requisition and the status to move it to.
#[derive(InputObject)]
pub struct ChangeRequisitionStatusInput {
    /// The requisition.
    pub id: ID,
    /// Where it goes; see `RequisitionStatus` for the legal moves.
    pub status: RequisitionStatus,
}

/// Whether a requisition is on the job board.
#[derive(InputObject)]
pub struct PublishRequisitionInput {
    /// The requisition.
    pub id: ID,
    /// True to publish (it shows on the board while OPEN), false to take it off.
    #[graphql(default = true)]
    pub published: bool,
}

/// A skill a requisition requires.
#[derive(InputObject)]
pub struct SetRequisitionSkillInput {
    /// The requisition.
    pub requisition_id: ID,
    /// A shared catalog skill's id (requisitions use only the shared catalog).
    pub skill_id: Option<ID>,
    /// Or a shared catalog skill's name or alias.
    pub skill_name: Option<String>,
    /// How well it must be known.
    pub level: SkillLevel,
}

/// A skill to take off a requisition.
#[derive(InputObject)]
pub struct RemoveRequisitionSkillInput {
    /// The requisition.
    pub requisition_id: ID,
    /// The skill.
    pub skill_id: ID,
}

/// What requisition mutations answer.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct RequisitionPayload {
    /// The requisition as it now is.
    pub requisition: Requisition,
}

payload_edge!(RequisitionPayload.requisition_edge: Requisition = requisition, id requisition.0.0.id);

/// A role of the catalog, new (without `id`) or changed.
#[derive(InputObject)]
pub struct SaveCatalogRoleInput {
    /// The role to change; absent to add one.
    pub id: Option<ID>,
    /// Unique in any case; 1 to 200 characters.
    pub name: String,
    /// Up to 2,000 characters.
    pub description: Option<String>,
    /// Up to 100 characters.
    pub department: Option<String>,
    /// Whether it is offered. Default true.
    #[graphql(default = true)]
    pub is_active: bool,
    /// Shared catalog skills it needs (ids); absent keeps them as they are. At most 50.
    #[graphql(validator(max_items = 50))]
    pub required_skill_ids: Option<Vec<ID>>,
}

/// What `saveCatalogRole` answers.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct CatalogRolePayload {
    /// The role as it now is.
    pub role: CatalogRole,
}

payload_edge!(CatalogRolePayload.role_edge: CatalogRole = role, id role.0.id);

fn slug_of(value: &str) -> AppResult<String> {
    let slug = value.trim().to_lowercase();
    let valid = !slug.is_empty()
        && slug.len() <= 64
        && slug.split('-').all(|part| {
            !part.is_empty() && part.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        });
    if valid {
        Ok(slug)
    } else {
        Err(AppError::bad_input(
            "slug",
            format!("`{value}` is not a slug: use 1 to 64 lower-case letters, digits and single hyphens"),
        ))
    }
}

/// The user id of a member of `organization_id`, for a hiring manager reference.
async fn member_user(
    conn: &mut AsyncPgConnection,
    who: Principal,
    organization_id: Uuid,
    member_id: &ID,
) -> AppResult<Uuid> {
    let member_id = decode_as(member_id, NodeType::OrganizationMember, "hiringManagerId")?;
    let found = store::one::<MemberById>(conn, who, member_id).await?;
    match found {
        Some(member) if member.organization_id == organization_id => Ok(member.user_id),
        _ => Err(AppError::bad_input(
            "hiringManagerId",
            "the hiring manager must be a member of the requisition's organisation",
        )),
    }
}

/// Checks a requisition's values as a whole (each field was checked on its own already).
fn check_requisition(values: &RequisitionValues) -> AppResult<()> {
    validate::ordered(
        "minExperienceYears",
        "maxExperienceYears",
        values.min_experience_years,
        values.max_experience_years,
    )?;
    validate::ordered("minSalary", "maxSalary", values.min_salary, values.max_salary)?;
    if values.positions_filled > values.positions_available {
        return Err(AppError::bad_input(
            "positionsFilled",
            format!(
                "positionsFilled ({}) is above positionsAvailable ({})",
                values.positions_filled, values.positions_available
            ),
        ));
    }
    Ok(())
}

fn years(name: &'static str) -> impl Fn(i32) -> AppResult<i32> {
    move |value| validate::int_in(name, value, 0..=70)
}

#[derive(Default)]
pub struct HiringMutation;

#[Object]
impl HiringMutation {
    /// Creates an organisation; the viewer becomes its first admin. `CONFLICT` when the slug
    /// is taken.
    async fn create_organization(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organisation's profile; every field is checked before anything is written.")]
        input: CreateOrganizationInput,
    ) -> AppResult<OrganizationPayload> {
        let who = viewer(ctx)?.principal();
        let row = OrganizationRow {
            id: Uuid::now_v7(),
            name: validate::text_of("name", &input.name, 200)?,
            slug: slug_of(&input.slug)?,
            website: input.website.map(url("website", &[])).transpose()?,
            industry: input.industry.map(text("industry", 100)).transpose()?,
            size_band: input.size_band.map(text("sizeBand", 50)).transpose()?,
            headquarters: input.headquarters.map(text("headquarters", 200)).transpose()?,
            created_by: Some(who.user_id),
            created_at: Utc::now(),
            updated_at: Utc::now(),
        };
        let mut conn = services(ctx).pool.get().await?;
        let created = conn
            .transaction::<_, AppError, _>(
                async |conn| Ok(store::insert_organization(conn, who, &row).await?),
            )
            .await?;
        Ok(OrganizationPayload {
            organization: Organization(created),
        })
    }

    /// Changes an organisation's profile (its admins).
    async fn update_organization(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes; every field is checked before anything is written.")]
        input: UpdateOrganizationInput,
    ) -> AppResult<OrganizationPayload> {
        let who = viewer(ctx)?.principal();
        let id = decode_as(&input.id, NodeType::Organization, "id")?;
        let name = input.name.map(text("name", 200)).transpose()?;
        let website = field(input.website, url("website", &[]))?;
        let industry = field(input.industry, text("industry", 100))?;
        let size_band = field(input.size_band, text("sizeBand", 50))?;
        let headquarters = field(input.headquarters, text("headquarters", 200))?;
        let mut conn = services(ctx).pool.get().await?;
        let updated = conn
            .transaction::<_, AppError, _>(async |conn| {
                authorize::<organizations::table>(
                    conn,
                    who,
                    id,
                    "Organization",
                    "only its admins change an organisation",
                )
                .await?;
                let mut row = store::one::<OrganizationById>(conn, who, id)
                    .await?
                    .ok_or(AppError::NotFound("Organization"))?;
                if let Some(name) = name {
                    row.name = name;
                }
                if let Some(website) = website {
                    row.website = website;
                }
                if let Some(industry) = industry {
                    row.industry = industry;
                }
                if let Some(size_band) = size_band {
                    row.size_band = size_band;
                }
                if let Some(headquarters) = headquarters {
                    row.headquarters = headquarters;
                }
                store::update_organization(conn, who, &row)
                    .await?
                    .ok_or(AppError::NotFound("Organization"))
            })
            .await?;
        Ok(OrganizationPayload {
            organization: Organization(updated),
        })
    }

    /// Invites someone by email to join with a role (the organisation's admins). The answer
    /// carries the single-use token, valid for 14 days. When the email belongs to a
    /// careergraph user, they are notified (without the token).
    async fn invite_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Who to invite and with which role.")] input: InviteMemberInput,
    ) -> AppResult<InviteMemberPayload> {
        let who = viewer(ctx)?.principal();
        let organization_id = decode_as(&input.organization_id, NodeType::Organization, "organizationId")?;
        let email = validate::email("email", &input.email)?;
        let (token, token_hash) = tokens::new_secret_token().map_err(AppError::internal)?;
        let mut conn = services(ctx).pool.get().await?;
        let invitation = conn
            .transaction::<_, AppError, _>(async |conn| {
                authorize::<organizations::table>(
                    conn,
                    who,
                    organization_id,
                    "Organization",
                    "only its admins invite members",
                )
                .await?;
                let new = NewInvitation {
                    organization_id,
                    email: &email,
                    role: input.role,
                    token_hash: &token_hash,
                    expires_at: Utc::now() + Duration::days(INVITATION_DAYS),
                };
                let invitation = store::insert_invitation(conn, who, &new).await?;
                super::notices::invited(conn, who, &invitation).await?;
                Ok(invitation)
            })
            .await?;
        Ok(InviteMemberPayload {
            invitation: OrganizationInvitation(invitation),
            token,
        })
    }

    /// Joins an organisation with an invitation's token. The token works once, before it
    /// expires, and only for the account whose email it was sent to; any other token is
    /// `NOT_FOUND`.
    async fn accept_invitation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The invitation's token.")] input: AcceptInvitationInput,
    ) -> AppResult<MemberPayload> {
        let who = viewer(ctx)?.principal();
        let hash = tokens::hash_secret_token(input.token.trim());
        let mut conn = services(ctx).pool.get().await?;
        let member = conn
            .transaction::<_, AppError, _>(async |conn| {
                let invitation = store::lock_invitation(conn, &hash)
                    .await?
                    .filter(|invitation| {
                        invitation.accepted_at.is_none() && invitation.expires_at > Utc::now()
                    })
                    .ok_or(AppError::NotFound("invitation"))?;
                if store::email_of(conn, who).await?.as_deref() != Some(&*invitation.email) {
                    return Err(AppError::Forbidden(
                        "this invitation is for another email address",
                    ));
                }
                Ok(store::accept_invitation(conn, &invitation, who.user_id).await?)
            })
            .await?;
        Ok(MemberPayload {
            member: OrganizationMember(member),
        })
    }

    /// Withdraws an invitation not yet accepted (the organisation's admins).
    async fn revoke_invitation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The invitation.")] input: IdInput,
    ) -> AppResult<DeletePayload> {
        let who = viewer(ctx)?.principal();
        let id = decode_as(&input.id, NodeType::OrganizationInvitation, "id")?;
        let mut conn = services(ctx).pool.get().await?;
        if !store::delete_invitation(&mut conn, who, id).await? {
            return Err(AppError::NotFound("OrganizationInvitation"));
        }
        Ok(DeletePayload { deleted_id: input.id })
    }

    /// Gives a member another role (the organisation's admins). The last admin keeps theirs
    /// (`BAD_USER_INPUT`).
    async fn change_member_role(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The member and their new role.")] input: ChangeMemberRoleInput,
    ) -> AppResult<MemberPayload> {
        let who = viewer(ctx)?.principal();
        let id = decode_as(&input.member_id, NodeType::OrganizationMember, "memberId")?;
        let mut conn = services(ctx).pool.get().await?;
        let member = conn
            .transaction::<_, AppError, _>(async |conn| {
                authorize::<organization_members::table>(
                    conn,
                    who,
                    id,
                    "OrganizationMember",
                    "only admins change roles",
                )
                .await?;
                store::set_member_role(conn, who, id, input.role)
                    .await?
                    .ok_or(AppError::NotFound("OrganizationMember"))
            })
            .await?;
        Ok(MemberPayload {
            member: OrganizationMember(member),
        })
    }

    /// Removes a member: an admin removes anyone, and every member may remove themself
    /// (leave). The last admin cannot leave (`BAD_USER_INPUT`).
    async fn remove_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The member.")] input: IdInput,
    ) -> AppResult<DeletePayload> {
        let who = viewer(ctx)?.principal();
        let id = decode_as(&input.id, NodeType::OrganizationMember, "id")?;
        let mut conn = services(ctx).pool.get().await?;
        conn.transaction::<_, AppError, _>(async |conn| {
            let member = store::one::<MemberById>(conn, who, id)
                .await?
                .ok_or(AppError::NotFound("OrganizationMember"))?;
            if member.user_id != who.user_id {
                authorize::<organization_members::table>(
                    conn,
                    who,
                    id,
                    "OrganizationMember",
                    "only admins remove other members",
                )
                .await?;
            }
            if !store::delete_member(conn, who, id).await? {
                return Err(AppError::NotFound("OrganizationMember"));
            }
            Ok(())
        })
        .await?;
        Ok(DeletePayload { deleted_id: input.id })
    }

    /// Adds a requisition, as DRAFT and unpublished (the organisation's admins and
    /// recruiters).
    async fn create_requisition(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The requisition; every field is checked before anything is written.")]
        input: CreateRequisitionInput,
    ) -> AppResult<RequisitionPayload> {
        let who = viewer(ctx)?.principal();
        let organization_id = decode_as(&input.organization_id, NodeType::Organization, "organizationId")?;
        let mut values = RequisitionValues {
            title: validate::text_of("title", &input.title, 200)?,
            description: requisition_description(input.description)?,
            department: input.department.map(text("department", 100)).transpose()?,
            location: input.location.map(text("location", 200)).transpose()?,
            remote_ok: input.remote_ok,
            employment_type: input.employment_type,
            experience_level: input
                .experience_level
                .map(text("experienceLevel", 50))
                .transpose()?,
            min_experience_years: input
                .min_experience_years
                .map(years("minExperienceYears"))
                .transpose()?,
            max_experience_years: input
                .max_experience_years
                .map(years("maxExperienceYears"))
                .transpose()?,
            min_salary: input.min_salary.map(validate::salary("minSalary")).transpose()?,
            max_salary: input.max_salary.map(validate::salary("maxSalary")).transpose()?,
            currency: input.currency.map(validate::currency("currency")).transpose()?,
            positions_available: validate::int_in(
                "positionsAvailable",
                input.positions_available,
                1..=10_000,
            )?,
            positions_filled: 0,
            hiring_manager_id: None,
            closes_at: input.closes_at,
        };
        check_requisition(&values)?;
        let mut conn = services(ctx).pool.get().await?;
        let created = conn
            .transaction::<_, AppError, _>(async |conn| {
                require_hiring_team(
                    conn,
                    who,
                    organization_id,
                    "only admins and recruiters create requisitions",
                )
                .await?;
                if let Some(manager) = &input.hiring_manager_id {
                    values.hiring_manager_id = Some(member_user(conn, who, organization_id, manager).await?);
                }
                Ok(store::insert_requisition(conn, who, organization_id, &values).await?)
            })
            .await?;
        Ok(RequisitionPayload {
            requisition: created.into(),
        })
    }

    /// Changes a requisition (the organisation's admins and recruiters).
    async fn update_requisition(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes; every field is checked before anything is written.")]
        input: UpdateRequisitionInput,
    ) -> AppResult<RequisitionPayload> {
        let who = viewer(ctx)?.principal();
        let id = decode_as(&input.id, NodeType::Requisition, "id")?;
        let title = input.title.map(text("title", 200)).transpose()?;
        let description = input.description.map(requisition_description).transpose()?;
        let department = field(input.department, text("department", 100))?;
        let location = field(input.location, text("location", 200))?;
        let employment_type = field(input.employment_type, Ok)?;
        let experience_level = field(input.experience_level, text("experienceLevel", 50))?;
        let min_years = field(input.min_experience_years, years("minExperienceYears"))?;
        let max_years = field(input.max_experience_years, years("maxExperienceYears"))?;
        let min_salary = field(input.min_salary, validate::salary("minSalary"))?;
        let max_salary = field(input.max_salary, validate::salary("maxSalary"))?;
        let currency = field(input.currency, validate::currency("currency"))?;
        let available = input
            .positions_available
            .map(|n| validate::int_in("positionsAvailable", n, 1..=10_000))
            .transpose()?;
        let filled = input
            .positions_filled
            .map(|n| validate::int_in("positionsFilled", n, 0..=10_000))
            .transpose()?;
        let closes_at = field(input.closes_at, Ok)?;
        let mut conn = services(ctx).pool.get().await?;
        let updated = conn
            .transaction::<_, AppError, _>(async |conn| {
                authorize::<requisitions::table>(
                    conn,
                    who,
                    id,
                    "Requisition",
                    "only admins and recruiters change requisitions",
                )
                .await?;
                let current = store::lock_requisition(conn, who, id)
                    .await?
                    .ok_or(AppError::NotFound("Requisition"))?;
                let mut values = RequisitionValues::from(&current);
                if let Some(title) = title {
                    values.title = title;
                }
                if let Some(description) = description {
                    values.description = description;
                }
                if let Some(remote_ok) = input.remote_ok {
                    values.remote_ok = remote_ok;
                }
                if let Some(n) = available {
                    values.positions_available = n;
                }
                if let Some(n) = filled {
                    values.positions_filled = n;
                }
                set(&mut values.department, department);
                set(&mut values.location, location);
                set(&mut values.employment_type, employment_type);
                set(&mut values.experience_level, experience_level);
                set(&mut values.min_experience_years, min_years);
                set(&mut values.max_experience_years, max_years);
                set(&mut values.min_salary, min_salary);
                set(&mut values.max_salary, max_salary);
                set(&mut values.currency, currency);
                set(&mut values.closes_at, closes_at);
                match input.hiring_manager_id {
                    MaybeUndefined::Undefined => {}
                    MaybeUndefined::Null => values.hiring_manager_id = None,
                    MaybeUndefined::Value(manager) => {
                        values.hiring_manager_id =
                            Some(member_user(conn, who, current.organization_id, &manager).await?)
                    }
                }
                check_requisition(&values)?;
                store::update_requisition(conn, who, id, &values)
                    .await?
                    .ok_or(AppError::NotFound("Requisition"))
            })
            .await?;
        Ok(RequisitionPayload {
            requisition: updated.into(),
        })
    }

    /// Moves a requisition to another status (the organisation's admins and recruiters). An
    /// illegal move (see `RequisitionStatus`) is `BAD_USER_INPUT` and changes nothing.
    async fn change_requisition_status(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The requisition and where it goes.")] input: ChangeRequisitionStatusInput,
    ) -> AppResult<RequisitionPayload> {
        let who = viewer(ctx)?.principal();
        let id = decode_as(&input.id, NodeType::Requisition, "id")?;
        let mut conn = services(ctx).pool.get().await?;
        let updated = conn
            .transaction::<_, AppError, _>(async |conn| {
                authorize::<requisitions::table>(
                    conn,
                    who,
                    id,
                    "Requisition",
                    "only admins and recruiters move requisitions",
                )
                .await?;
                let current = store::lock_requisition(conn, who, id)
                    .await?
                    .ok_or(AppError::NotFound("Requisition"))?;
                if !current.status.may_become(input.status) {
                    return Err(AppError::bad_input(
                        "status",
                        format!(
                            "a {} requisition cannot become {}",
                            current.status.as_str().to_uppercase(),
                            input.status.as_str().to_uppercase()
                        ),
                    ));
                }
                store::set_requisition_status(conn, who, id, input.status)
                    .await?
                    .ok_or(AppError::NotFound("Requisition"))
            })
            .await?;
        Ok(RequisitionPayload {
            requisition: updated.into(),
        })
    }

    /// Puts a requisition on the public job board or takes it off (the organisation's admins
    /// and recruiters). It shows there while OPEN and before `closesAt`.
    async fn publish_requisition(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The requisition and whether to publish it.")] input: PublishRequisitionInput,
    ) -> AppResult<RequisitionPayload> {
        let who = viewer(ctx)?.principal();
        let id = decode_as(&input.id, NodeType::Requisition, "id")?;
        let mut conn = services(ctx).pool.get().await?;
        let updated = conn
            .transaction::<_, AppError, _>(async |conn| {
                authorize::<requisitions::table>(
                    conn,
                    who,
                    id,
                    "Requisition",
                    "only admins and recruiters publish requisitions",
                )
                .await?;
                store::set_published(conn, who, id, input.published)
                    .await?
                    .ok_or(AppError::NotFound("Requisition"))
            })
            .await?;
        Ok(RequisitionPayload {
            requisition: updated.into(),
        })
    }

    /// Deletes a requisition with everything under it (the organisation's admins and
    /// recruiters).
    async fn delete_requisition(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The requisition.")] input: IdInput,
    ) -> AppResult<DeletePayload> {
        let who = viewer(ctx)?.principal();
        let id = decode_as(&input.id, NodeType::Requisition, "id")?;
        let mut conn = services(ctx).pool.get().await?;
        conn.transaction::<_, AppError, _>(async |conn| {
            authorize::<requisitions::table>(
                conn,
                who,
                id,
                "Requisition",
                "only admins and recruiters delete requisitions",
            )
            .await?;
            store::delete_requisition(conn, who, id).await?;
            Ok(())
        })
        .await?;
        Ok(DeletePayload { deleted_id: input.id })
    }

    /// Requires a shared catalog skill at a level (or changes its level).
    async fn set_requisition_skill(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The requisition, the skill and its level.")] input: SetRequisitionSkillInput,
    ) -> AppResult<RequisitionPayload> {
        let who = viewer(ctx)?.principal();
        let id = decode_as(&input.requisition_id, NodeType::Requisition, "requisitionId")?;
        let skill_id = match (&input.skill_id, &input.skill_name) {
            (Some(skill), None) => Some(decode_as(skill, NodeType::Skill, "skillId")?),
            (None, Some(_)) => None,
            _ => {
                return Err(AppError::bad_input(
                    "skillId",
                    "give exactly one of skillId and skillName",
                ));
            }
        };
        let mut conn = services(ctx).pool.get().await?;
        let requisition = conn
            .transaction::<_, AppError, _>(async |conn| {
                authorize::<requisitions::table>(
                    conn,
                    who,
                    id,
                    "Requisition",
                    "only admins and recruiters change requisitions",
                )
                .await?;
                let requisition = store::lock_requisition(conn, who, id)
                    .await?
                    .ok_or(AppError::NotFound("Requisition"))?;
                let skill = shared_skill(conn, skill_id, input.skill_name.as_deref()).await?;
                store::upsert_requisition_skill(conn, &requisition, skill, input.level).await?;
                Ok(requisition)
            })
            .await?;
        Ok(RequisitionPayload {
            requisition: requisition.into(),
        })
    }

    /// Takes a skill off a requisition.
    async fn remove_requisition_skill(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The requisition and the skill.")] input: RemoveRequisitionSkillInput,
    ) -> AppResult<RequisitionPayload> {
        let who = viewer(ctx)?.principal();
        let id = decode_as(&input.requisition_id, NodeType::Requisition, "requisitionId")?;
        let skill = decode_as(&input.skill_id, NodeType::Skill, "skillId")?;
        let mut conn = services(ctx).pool.get().await?;
        let requisition = conn
            .transaction::<_, AppError, _>(async |conn| {
                authorize::<requisitions::table>(
                    conn,
                    who,
                    id,
                    "Requisition",
                    "only admins and recruiters change requisitions",
                )
                .await?;
                if !store::delete_requisition_skill(conn, who, id, skill).await? {
                    return Err(AppError::NotFound("RequiredSkill"));
                }
                store::lock_requisition(conn, who, id)
                    .await?
                    .ok_or(AppError::NotFound("Requisition"))
            })
            .await?;
        Ok(RequisitionPayload {
            requisition: requisition.into(),
        })
    }

    /// Adds a role to the platform's role catalog or changes one (platform admins only,
    /// `FORBIDDEN` for others). `CONFLICT` when another role has the name.
    async fn save_catalog_role(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The role; every field is checked before anything is written.")]
        input: SaveCatalogRoleInput,
    ) -> AppResult<CatalogRolePayload> {
        let who = viewer(ctx)?.principal();
        let id = input
            .id
            .as_ref()
            .map(|id| decode_as(id, NodeType::CatalogRole, "id"))
            .transpose()?;
        let name = validate::text_of("name", &input.name, 200)?;
        let description = input.description.map(text("description", 2000)).transpose()?;
        let department = input.department.map(text("department", 100)).transpose()?;
        let skill_ids = input
            .required_skill_ids
            .as_ref()
            .map(|ids| {
                ids.iter()
                    .map(|id| decode_as(id, NodeType::Skill, "requiredSkillIds"))
                    .collect::<AppResult<Vec<_>>>()
            })
            .transpose()?;
        let mut conn = services(ctx).pool.get().await?;
        if !access::is_platform_admin(&mut conn, who).await? {
            return Err(AppError::Forbidden(
                "only platform admins curate the role catalog",
            ));
        }
        let values = CatalogRoleValues {
            name: &name,
            description: description.as_deref(),
            department: department.as_deref(),
            is_active: input.is_active,
        };
        let saved = conn
            .transaction::<_, AppError, _>(async |conn| {
                if let Some(ids) = &skill_ids {
                    let found = visible_skills(conn, Principal::ANONYMOUS, ids).await?;
                    if found.len() != ids.iter().collect::<std::collections::HashSet<_>>().len() {
                        return Err(AppError::bad_input(
                            "requiredSkillIds",
                            "every required skill must be a shared catalog skill",
                        ));
                    }
                }
                store::save_catalog_role(conn, id, &values, skill_ids.as_deref())
                    .await?
                    .ok_or(AppError::NotFound("CatalogRole"))
            })
            .await?;
        Ok(CatalogRolePayload {
            role: CatalogRole(saved),
        })
    }
}

fn requisition_description(value: String) -> AppResult<String> {
    let length = value.chars().count();
    if length > 50_000 {
        return Err(AppError::bad_input(
            "description",
            format!("description is {length} characters long; at most 50000 are allowed"),
        ));
    }
    Ok(value.trim().to_owned())
}

/// Applies a checked update field: absent keeps, null clears, a value replaces.
pub fn set<T>(slot: &mut Option<T>, change: Option<Option<T>>) {
    if let Some(value) = change {
        *slot = value;
    }
}

/// `NOT_FOUND` unless the principal sees the organisation, `FORBIDDEN` unless they are one of
/// its admins or recruiters: the check before creating something in it.
pub async fn require_hiring_team(
    conn: &mut AsyncPgConnection,
    who: Principal,
    organization_id: Uuid,
    refusal: &'static str,
) -> AppResult<()> {
    if access::verdict::<organizations::table>(conn, who, organization_id).await? == Verdict::Hidden {
        return Err(AppError::NotFound("Organization"));
    }
    let member = store::member_of(conn, who, organization_id, who.user_id).await?;
    if member.is_some_and(|m| matches!(m.role, MemberRole::Admin | MemberRole::Recruiter)) {
        Ok(())
    } else {
        Err(AppError::Forbidden(refusal))
    }
}

/// A skill of the shared catalog, by id or by name; a private skill or an unknown name is
/// refused, since every member of the organisation must see it.
async fn shared_skill(conn: &mut AsyncPgConnection, id: Option<Uuid>, name: Option<&str>) -> AppResult<Uuid> {
    let found = match (id, name) {
        (Some(id), _) => visible_skills(conn, Principal::ANONYMOUS, &[id])
            .await?
            .into_iter()
            .next(),
        (None, Some(name)) => {
            skill_named(
                conn,
                Principal::ANONYMOUS,
                &validate::text_of("skillName", name, 100)?,
            )
            .await?
        }
        (None, None) => None,
    };
    found
        .map(|skill| skill.id)
        .ok_or_else(|| AppError::bad_input("skillId", "requisitions require skills of the shared catalog"))
}
