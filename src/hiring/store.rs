//! Rows and SQL of the hiring side: organisations, members, invitations, the role catalog and
//! requisitions. What a principal sees and changes is the access policy's (src/access); the
//! statements here only add what each operation itself means.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Text, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::enums::{MemberRole, RequisitionStatus, SkillLevel};
use crate::access::{Guarded, Principal};
use crate::career::enums::EmploymentType;
use crate::db::schema::{
    catalog_role_skills, catalog_roles, organization_invitations, organization_members, organizations,
    requisition_skills, requisitions, users,
};
use crate::graphql::loaders::Relation;
use crate::graphql::scalars::{EmailAddress, Url};
use crate::guarded_relation;

#[derive(Clone, Debug, Queryable, Selectable, QueryableByName, Insertable, AsChangeset)]
#[diesel(table_name = organizations, treat_none_as_null = true)]
pub struct OrganizationRow {
    pub id: Uuid,
    pub name: String,
    pub slug: String,
    pub website: Option<Url>,
    pub industry: Option<String>,
    pub size_band: Option<String>,
    pub headquarters: Option<String>,
    #[diesel(skip_update)]
    pub created_by: Option<Uuid>,
    #[diesel(skip_update, skip_insertion)]
    pub created_at: DateTime<Utc>,
    #[diesel(skip_update, skip_insertion)]
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = organization_members)]
pub struct MemberRow {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub user_id: Uuid,
    pub role: MemberRole,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = organization_invitations)]
pub struct InvitationRow {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub email: EmailAddress,
    pub role: MemberRole,
    pub invited_by: Option<Uuid>,
    pub expires_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = catalog_roles)]
pub struct CatalogRoleRow {
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub department: Option<String>,
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = catalog_role_skills)]
pub struct CatalogRoleSkillRow {
    pub role_id: Uuid,
    pub skill_id: Uuid,
}

#[derive(Clone, Debug, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = requisitions)]
pub struct RequisitionRow {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub title: String,
    pub description: String,
    pub department: Option<String>,
    pub location: Option<String>,
    pub remote_ok: bool,
    pub employment_type: Option<EmploymentType>,
    pub experience_level: Option<String>,
    pub min_experience_years: Option<i32>,
    pub max_experience_years: Option<i32>,
    pub min_salary: Option<i32>,
    pub max_salary: Option<i32>,
    pub currency: Option<String>,
    pub positions_available: i32,
    pub positions_filled: i32,
    pub hiring_manager_id: Option<Uuid>,
    pub created_by: Option<Uuid>,
    pub status: RequisitionStatus,
    pub is_published: bool,
    pub published_at: Option<DateTime<Utc>>,
    pub closes_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The columns of a requisition its hiring team writes.
#[derive(Clone, Debug, Default, Insertable, AsChangeset)]
#[diesel(table_name = requisitions, treat_none_as_null = true)]
pub struct RequisitionValues {
    pub title: String,
    pub description: String,
    pub department: Option<String>,
    pub location: Option<String>,
    pub remote_ok: bool,
    pub employment_type: Option<EmploymentType>,
    pub experience_level: Option<String>,
    pub min_experience_years: Option<i32>,
    pub max_experience_years: Option<i32>,
    pub min_salary: Option<i32>,
    pub max_salary: Option<i32>,
    pub currency: Option<String>,
    pub positions_available: i32,
    pub positions_filled: i32,
    pub hiring_manager_id: Option<Uuid>,
    pub closes_at: Option<DateTime<Utc>>,
}

impl From<&RequisitionRow> for RequisitionValues {
    fn from(row: &RequisitionRow) -> Self {
        Self {
            title: row.title.clone(),
            description: row.description.clone(),
            department: row.department.clone(),
            location: row.location.clone(),
            remote_ok: row.remote_ok,
            employment_type: row.employment_type,
            experience_level: row.experience_level.clone(),
            min_experience_years: row.min_experience_years,
            max_experience_years: row.max_experience_years,
            min_salary: row.min_salary,
            max_salary: row.max_salary,
            currency: row.currency.clone(),
            positions_available: row.positions_available,
            positions_filled: row.positions_filled,
            hiring_manager_id: row.hiring_manager_id,
            closes_at: row.closes_at,
        }
    }
}

#[derive(Clone, Debug, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = requisition_skills)]
pub struct RequisitionSkillRow {
    pub id: Uuid,
    pub requisition_id: Uuid,
    pub skill_id: Uuid,
    pub level: SkillLevel,
}

guarded_relation!(OrganizationById: organizations.id => OrganizationRow);
guarded_relation!(MemberById: organization_members.id => MemberRow);
guarded_relation!(InvitationById: organization_invitations.id => InvitationRow);
guarded_relation!(CatalogRoleById: catalog_roles.id => CatalogRoleRow);
guarded_relation!(RequisitionById: requisitions.id => RequisitionRow);
guarded_relation!(RequisitionSkillById: requisition_skills.id => RequisitionSkillRow);
guarded_relation!(
    /// Each catalog role's required skills.
    SkillsOfCatalogRole: catalog_role_skills.role_id => CatalogRoleSkillRow
);
guarded_relation!(
    /// Each requisition's required skills, the most demanding level first.
    SkillsOfRequisition: requisition_skills.requisition_id => RequisitionSkillRow,
    order by (requisition_skills::level.desc(), requisition_skills::created_at)
);

/// The row of `R` for one key, outside a request's loaders (inside a mutation's transaction).
pub async fn one<R: Relation>(
    conn: &mut AsyncPgConnection,
    who: Principal,
    key: Uuid,
) -> QueryResult<Option<R::Row>> {
    Ok(R::fetch(conn, who, &[key]).await?.into_iter().next())
}

/// A member as other members see them: their sign-in email (the address invitations go to)
/// and the name of their profile, if any.
#[derive(Clone, Debug, QueryableByName)]
pub struct MemberContact {
    #[diesel(sql_type = SqlUuid)]
    pub member_id: Uuid,
    #[diesel(sql_type = Text)]
    pub email: EmailAddress,
    #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
    pub name: Option<String>,
}

/// [`MemberContact`] by member id, for members the principal may see.
pub struct ContactOfMember;

impl Relation for ContactOfMember {
    type Row = MemberContact;

    async fn fetch(
        conn: &mut AsyncPgConnection,
        who: Principal,
        keys: &[Uuid],
    ) -> QueryResult<Vec<MemberContact>> {
        diesel::sql_query(format!(
            "select t.id as member_id, u.email, p.full_name as name
             from organization_members t
             join users u on u.id = t.user_id
             left join candidate_profiles p on p.user_id = t.user_id
             where t.id = any($2) and {rule}",
            rule = organization_members::table::readable_sql("t", 1),
        ))
        .bind::<SqlUuid, _>(who.user_id)
        .bind::<diesel::sql_types::Array<SqlUuid>, _>(keys)
        .load(conn)
        .await
    }

    fn key(row: &MemberContact) -> Uuid {
        row.member_id
    }
}

/// A requisition's hiring manager as a member, for principals who may see its members.
#[derive(Clone, Debug, QueryableByName)]
pub struct RequisitionManager {
    #[diesel(sql_type = SqlUuid)]
    pub requisition_id: Uuid,
    #[diesel(embed)]
    pub member: MemberRow,
}

/// [`RequisitionManager`] by requisition id: one statement for a whole list of requisitions.
pub struct ManagerOfRequisition;

impl Relation for ManagerOfRequisition {
    type Row = RequisitionManager;

    async fn fetch(
        conn: &mut AsyncPgConnection,
        who: Principal,
        keys: &[Uuid],
    ) -> QueryResult<Vec<RequisitionManager>> {
        diesel::sql_query(format!(
            "select r.id as requisition_id, t.*
             from requisitions r
             join organization_members t on t.organization_id = r.organization_id and t.user_id = r.hiring_manager_id
             where r.id = any($2) and {rule}",
            rule = organization_members::table::readable_sql("t", 1),
        ))
        .bind::<SqlUuid, _>(who.user_id)
        .bind::<diesel::sql_types::Array<SqlUuid>, _>(keys)
        .load(conn)
        .await
    }

    fn key(row: &RequisitionManager) -> Uuid {
        row.requisition_id
    }
}

/// The membership of `user_id` in each organisation, keyed by organisation: what the
/// principal's own role is where it looks.
pub struct RoleInOrganization;

impl Relation for RoleInOrganization {
    type Row = MemberRow;

    async fn fetch(
        conn: &mut AsyncPgConnection,
        who: Principal,
        keys: &[Uuid],
    ) -> QueryResult<Vec<MemberRow>> {
        organization_members::table
            .filter(organization_members::user_id.eq(who.user_id))
            .filter(organization_members::organization_id.eq_any(keys))
            .select(MemberRow::as_select())
            .load(conn)
            .await
    }

    fn key(row: &MemberRow) -> Uuid {
        row.organization_id
    }
}

/// Creates an organisation with `who` as its first admin.
pub async fn insert_organization(
    conn: &mut AsyncPgConnection,
    who: Principal,
    organization: &OrganizationRow,
) -> QueryResult<OrganizationRow> {
    let created = diesel::insert_into(organizations::table)
        .values(organization)
        .returning(OrganizationRow::as_returning())
        .get_result(conn)
        .await?;
    insert_member(conn, created.id, who.user_id, MemberRole::Admin).await?;
    Ok(created)
}

pub async fn update_organization(
    conn: &mut AsyncPgConnection,
    who: Principal,
    organization: &OrganizationRow,
) -> QueryResult<Option<OrganizationRow>> {
    diesel::update(organizations::table)
        .filter(organizations::id.eq(organization.id))
        .filter(organizations::table::writable(who))
        .set(organization)
        .returning(OrganizationRow::as_returning())
        .get_result(conn)
        .await
        .optional()
}

pub async fn organization_by_slug(
    conn: &mut AsyncPgConnection,
    who: Principal,
    slug: &str,
) -> QueryResult<Option<OrganizationRow>> {
    organizations::table
        .filter(organizations::slug.eq(slug))
        .filter(organizations::table::readable(who))
        .select(OrganizationRow::as_select())
        .first(conn)
        .await
        .optional()
}

async fn insert_member(
    conn: &mut AsyncPgConnection,
    organization_id: Uuid,
    user_id: Uuid,
    role: MemberRole,
) -> QueryResult<MemberRow> {
    diesel::insert_into(organization_members::table)
        .values((
            organization_members::id.eq(Uuid::now_v7()),
            organization_members::organization_id.eq(organization_id),
            organization_members::user_id.eq(user_id),
            organization_members::role.eq(role),
        ))
        .returning(MemberRow::as_returning())
        .get_result(conn)
        .await
}

pub async fn set_member_role(
    conn: &mut AsyncPgConnection,
    who: Principal,
    member_id: Uuid,
    role: MemberRole,
) -> QueryResult<Option<MemberRow>> {
    diesel::update(organization_members::table)
        .filter(organization_members::id.eq(member_id))
        .filter(organization_members::table::writable(who))
        .set(organization_members::role.eq(role))
        .returning(MemberRow::as_returning())
        .get_result(conn)
        .await
        .optional()
}

/// Removes a membership: an admin removing anyone, or a member leaving (`who` is the member).
pub async fn delete_member(
    conn: &mut AsyncPgConnection,
    who: Principal,
    member_id: Uuid,
) -> QueryResult<bool> {
    diesel::delete(organization_members::table)
        .filter(organization_members::id.eq(member_id))
        .filter(organization_members::table::writable(who).or(organization_members::user_id.eq(who.user_id)))
        .execute(conn)
        .await
        .map(|deleted| deleted > 0)
}

pub struct NewInvitation<'a> {
    pub organization_id: Uuid,
    pub email: &'a str,
    pub role: MemberRole,
    pub token_hash: &'a [u8],
    pub expires_at: DateTime<Utc>,
}

pub async fn insert_invitation(
    conn: &mut AsyncPgConnection,
    who: Principal,
    new: &NewInvitation<'_>,
) -> QueryResult<InvitationRow> {
    diesel::insert_into(organization_invitations::table)
        .values((
            organization_invitations::id.eq(Uuid::now_v7()),
            organization_invitations::organization_id.eq(new.organization_id),
            organization_invitations::email.eq(new.email),
            organization_invitations::role.eq(new.role),
            organization_invitations::token_hash.eq(new.token_hash),
            organization_invitations::invited_by.eq(who.user_id),
            organization_invitations::expires_at.eq(new.expires_at),
        ))
        .returning(InvitationRow::as_returning())
        .get_result(conn)
        .await
}

/// The invitation a token opens, locked until the transaction ends (it is single-use).
/// Found by the token alone: holding it is what lets its invitee see it.
pub async fn lock_invitation(
    conn: &mut AsyncPgConnection,
    token_hash: &[u8],
) -> QueryResult<Option<InvitationRow>> {
    organization_invitations::table
        .filter(organization_invitations::token_hash.eq(token_hash))
        .select(InvitationRow::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

/// The user who signs in with `email`, if any: an invitation addressed to it also reaches
/// them as a notification. A system lookup, not a read on someone's behalf (the policy lets a
/// user read only their own row); it answers only who, never what.
pub async fn user_with_email(conn: &mut AsyncPgConnection, email: &str) -> QueryResult<Option<Uuid>> {
    users::table
        .filter(users::email.eq(email))
        .filter(users::is_active)
        .select(users::id)
        .first(conn)
        .await
        .optional()
}

/// The principal's sign-in email (invitations are addressed to it).
pub async fn email_of(conn: &mut AsyncPgConnection, who: Principal) -> QueryResult<Option<String>> {
    users::table
        .filter(users::table::readable(who))
        .select(users::email)
        .first(conn)
        .await
        .optional()
}

/// Marks an invitation used and makes its invitee a member (or gives them its role, if they
/// already were one).
pub async fn accept_invitation(
    conn: &mut AsyncPgConnection,
    invitation: &InvitationRow,
    user_id: Uuid,
) -> QueryResult<MemberRow> {
    diesel::update(organization_invitations::table)
        .filter(organization_invitations::id.eq(invitation.id))
        .set((
            organization_invitations::accepted_at.eq(diesel::dsl::now),
            organization_invitations::accepted_by.eq(user_id),
        ))
        .execute(conn)
        .await?;
    diesel::insert_into(organization_members::table)
        .values((
            organization_members::id.eq(Uuid::now_v7()),
            organization_members::organization_id.eq(invitation.organization_id),
            organization_members::user_id.eq(user_id),
            organization_members::role.eq(invitation.role),
        ))
        .on_conflict((
            organization_members::organization_id,
            organization_members::user_id,
        ))
        .do_update()
        .set(organization_members::role.eq(invitation.role))
        .returning(MemberRow::as_returning())
        .get_result(conn)
        .await
}

pub async fn delete_invitation(conn: &mut AsyncPgConnection, who: Principal, id: Uuid) -> QueryResult<bool> {
    diesel::delete(organization_invitations::table)
        .filter(organization_invitations::id.eq(id))
        .filter(organization_invitations::accepted_at.is_null())
        .filter(organization_invitations::table::writable(who))
        .execute(conn)
        .await
        .map(|deleted| deleted > 0)
}

/// The member of `organization_id` who is `user_id`, if the principal may see them.
/// The user ids of the organisation's admins and recruiters, oldest membership first: whom
/// news of its candidacies from the candidate's side reaches. A system lookup for a change the
/// candidate makes (they cannot read the organisation's members).
pub async fn hiring_team_of(conn: &mut AsyncPgConnection, organization_id: Uuid) -> QueryResult<Vec<Uuid>> {
    organization_members::table
        .filter(organization_members::organization_id.eq(organization_id))
        .filter(organization_members::role.eq_any([MemberRole::Admin, MemberRole::Recruiter]))
        .order((organization_members::created_at, organization_members::id))
        .select(organization_members::user_id)
        .load(conn)
        .await
}

pub async fn member_of(
    conn: &mut AsyncPgConnection,
    who: Principal,
    organization_id: Uuid,
    user_id: Uuid,
) -> QueryResult<Option<MemberRow>> {
    organization_members::table
        .filter(organization_members::organization_id.eq(organization_id))
        .filter(organization_members::user_id.eq(user_id))
        .filter(organization_members::table::readable(who))
        .select(MemberRow::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn insert_requisition(
    conn: &mut AsyncPgConnection,
    who: Principal,
    organization_id: Uuid,
    values: &RequisitionValues,
) -> QueryResult<RequisitionRow> {
    diesel::insert_into(requisitions::table)
        .values((
            requisitions::id.eq(Uuid::now_v7()),
            requisitions::organization_id.eq(organization_id),
            requisitions::created_by.eq(who.user_id),
            values,
        ))
        .returning(RequisitionRow::as_returning())
        .get_result(conn)
        .await
}

/// The requisition, locked for the rest of the transaction, if `who` may see it.
pub async fn lock_requisition(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
) -> QueryResult<Option<RequisitionRow>> {
    requisitions::table
        .filter(requisitions::id.eq(id))
        .filter(requisitions::table::readable(who))
        .select(RequisitionRow::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

pub async fn update_requisition(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
    values: &RequisitionValues,
) -> QueryResult<Option<RequisitionRow>> {
    diesel::update(requisitions::table)
        .filter(requisitions::id.eq(id))
        .filter(requisitions::table::writable(who))
        .set(values)
        .returning(RequisitionRow::as_returning())
        .get_result(conn)
        .await
        .optional()
}

pub async fn set_requisition_status(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
    status: RequisitionStatus,
) -> QueryResult<Option<RequisitionRow>> {
    diesel::update(requisitions::table)
        .filter(requisitions::id.eq(id))
        .filter(requisitions::table::writable(who))
        .set(requisitions::status.eq(status))
        .returning(RequisitionRow::as_returning())
        .get_result(conn)
        .await
        .optional()
}

/// Puts a requisition on the job board (or takes it off). The first publication is the one
/// `publishedAt` keeps.
pub async fn set_published(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
    published: bool,
) -> QueryResult<Option<RequisitionRow>> {
    diesel::update(requisitions::table)
        .filter(requisitions::id.eq(id))
        .filter(requisitions::table::writable(who))
        .set((
            requisitions::is_published.eq(published),
            requisitions::published_at.eq(diesel::dsl::sql::<
                diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>,
            >("coalesce(published_at, now())")),
        ))
        .returning(RequisitionRow::as_returning())
        .get_result(conn)
        .await
        .optional()
}

pub async fn delete_requisition(conn: &mut AsyncPgConnection, who: Principal, id: Uuid) -> QueryResult<bool> {
    diesel::delete(requisitions::table)
        .filter(requisitions::id.eq(id))
        .filter(requisitions::table::writable(who))
        .execute(conn)
        .await
        .map(|deleted| deleted > 0)
}

pub async fn upsert_requisition_skill(
    conn: &mut AsyncPgConnection,
    requisition: &RequisitionRow,
    skill_id: Uuid,
    level: SkillLevel,
) -> QueryResult<RequisitionSkillRow> {
    diesel::insert_into(requisition_skills::table)
        .values((
            requisition_skills::id.eq(Uuid::now_v7()),
            requisition_skills::organization_id.eq(requisition.organization_id),
            requisition_skills::requisition_id.eq(requisition.id),
            requisition_skills::skill_id.eq(skill_id),
            requisition_skills::level.eq(level),
        ))
        .on_conflict((requisition_skills::requisition_id, requisition_skills::skill_id))
        .do_update()
        .set(requisition_skills::level.eq(level))
        .returning(RequisitionSkillRow::as_returning())
        .get_result(conn)
        .await
}

pub async fn delete_requisition_skill(
    conn: &mut AsyncPgConnection,
    who: Principal,
    requisition_id: Uuid,
    skill_id: Uuid,
) -> QueryResult<bool> {
    diesel::delete(requisition_skills::table)
        .filter(requisition_skills::requisition_id.eq(requisition_id))
        .filter(requisition_skills::skill_id.eq(skill_id))
        .filter(requisition_skills::table::writable(who))
        .execute(conn)
        .await
        .map(|deleted| deleted > 0)
}

pub struct CatalogRoleValues<'a> {
    pub name: &'a str,
    pub description: Option<&'a str>,
    pub department: Option<&'a str>,
    pub is_active: bool,
}

/// Adds a role to the catalog or changes one (by id); the caller has checked the platform
/// admin role.
pub async fn save_catalog_role(
    conn: &mut AsyncPgConnection,
    id: Option<Uuid>,
    values: &CatalogRoleValues<'_>,
    skill_ids: Option<&[Uuid]>,
) -> QueryResult<Option<CatalogRoleRow>> {
    let columns = (
        catalog_roles::name.eq(values.name),
        catalog_roles::description.eq(values.description),
        catalog_roles::department.eq(values.department),
        catalog_roles::is_active.eq(values.is_active),
    );
    let saved = match id {
        None => Some(
            diesel::insert_into(catalog_roles::table)
                .values((catalog_roles::id.eq(Uuid::now_v7()), columns))
                .returning(CatalogRoleRow::as_returning())
                .get_result(conn)
                .await?,
        ),
        Some(id) => diesel::update(catalog_roles::table.find(id))
            .set(columns)
            .returning(CatalogRoleRow::as_returning())
            .get_result(conn)
            .await
            .optional()?,
    };
    if let (Some(role), Some(skill_ids)) = (&saved, skill_ids) {
        diesel::delete(catalog_role_skills::table.filter(catalog_role_skills::role_id.eq(role.id)))
            .execute(conn)
            .await?;
        let rows: Vec<_> = skill_ids
            .iter()
            .map(|skill| {
                (
                    catalog_role_skills::role_id.eq(role.id),
                    catalog_role_skills::skill_id.eq(*skill),
                )
            })
            .collect();
        diesel::insert_into(catalog_role_skills::table)
            .values(rows)
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
    }
    Ok(saved)
}

/// Fills one more of the requisition's positions; false when all are filled.
pub async fn fill_position(conn: &mut AsyncPgConnection, who: Principal, id: Uuid) -> QueryResult<bool> {
    diesel::update(requisitions::table)
        .filter(requisitions::id.eq(id))
        .filter(requisitions::positions_filled.lt(requisitions::positions_available))
        .filter(requisitions::table::writable(who))
        .set(requisitions::positions_filled.eq(requisitions::positions_filled + 1))
        .execute(conn)
        .await
        .map(|filled| filled > 0)
}
