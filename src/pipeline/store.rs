//! Rows and SQL of the pipeline: candidates, candidacies and their stage history, and record
//! shares (consent).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Jsonb, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::enums::CandidacyStage;
use crate::access::{Guarded, Principal};
use crate::db::schema::{candidacies, candidacy_events, candidates, record_shares};
use crate::graphql::loaders::Relation;
use crate::graphql::scalars::{EmailAddress, Url};
use crate::guarded_relation;

#[derive(Clone, Debug, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = candidates)]
pub struct CandidateRow {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub user_id: Option<Uuid>,
    pub full_name: String,
    pub email: EmailAddress,
    pub phone: Option<String>,
    pub current_position: Option<String>,
    pub location: Option<String>,
    pub education: Option<String>,
    pub linkedin_url: Option<Url>,
    pub github_url: Option<Url>,
    pub portfolio_url: Option<Url>,
    pub experience_level: Option<String>,
    pub experience_years: Option<i32>,
    pub skills: Vec<Option<String>>,
    pub availability_percentage: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The columns of a candidate the hiring team writes (or applying fills from the profile).
#[derive(Clone, Debug, Default, Insertable, AsChangeset)]
#[diesel(table_name = candidates, treat_none_as_null = true)]
pub struct CandidateValues {
    pub full_name: String,
    pub email: EmailAddress,
    pub phone: Option<String>,
    pub current_position: Option<String>,
    pub location: Option<String>,
    pub education: Option<String>,
    pub linkedin_url: Option<Url>,
    pub github_url: Option<Url>,
    pub portfolio_url: Option<Url>,
    pub experience_level: Option<String>,
    pub experience_years: Option<i32>,
    pub skills: Vec<String>,
    pub availability_percentage: Option<i32>,
}

#[derive(Clone, Debug, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = candidacies)]
pub struct CandidacyRow {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub candidate_id: Uuid,
    pub requisition_id: Uuid,
    pub stage: CandidacyStage,
    pub cover_note: Option<String>,
    pub submitted_record: Option<serde_json::Value>,
    pub application_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = candidacy_events)]
pub struct CandidacyEventRow {
    pub id: Uuid,
    pub candidacy_id: Uuid,
    pub actor_member_id: Option<Uuid>,
    pub from_stage: Option<CandidacyStage>,
    pub to_stage: CandidacyStage,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = record_shares)]
pub struct RecordShareRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub organization_id: Uuid,
    pub granted_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

guarded_relation!(CandidateById: candidates.id => CandidateRow);
guarded_relation!(CandidacyById: candidacies.id => CandidacyRow);
guarded_relation!(CandidacyEventById: candidacy_events.id => CandidacyEventRow);
guarded_relation!(RecordShareById: record_shares.id => RecordShareRow);
guarded_relation!(
    /// Each candidate's candidacies, oldest first.
    CandidaciesOfCandidate: candidacies.candidate_id => CandidacyRow,
    order by candidacies::created_at
);
guarded_relation!(
    /// Each candidacy's stage moves, oldest first.
    HistoryOfCandidacy: candidacy_events.candidacy_id => CandidacyEventRow,
    order by candidacy_events::seq
);

/// Whether each candidate (by id) shares their career record with the organisation now.
pub struct SharingCandidate;

impl Relation for SharingCandidate {
    type Row = Uuid;

    async fn fetch(conn: &mut AsyncPgConnection, who: Principal, keys: &[Uuid]) -> QueryResult<Vec<Uuid>> {
        #[derive(QueryableByName)]
        struct Sharing {
            #[diesel(sql_type = SqlUuid)]
            id: Uuid,
        }
        let rows: Vec<Sharing> = diesel::sql_query(format!(
            "select c.id from candidates c
             join record_shares s on s.user_id = c.user_id and s.organization_id = c.organization_id
             where c.id = any($2) and s.revoked_at is null and {rule}",
            rule = candidates::table::readable_sql("c", 1),
        ))
        .bind::<SqlUuid, _>(who.user_id)
        .bind::<Array<SqlUuid>, _>(keys)
        .load(conn)
        .await?;
        Ok(rows.into_iter().map(|row| row.id).collect())
    }

    fn key(row: &Uuid) -> Uuid {
        *row
    }
}

/// A requisition's pipeline in numbers, over the candidacies the principal may see.
#[derive(Clone, Debug, QueryableByName)]
pub struct PipelineCounts {
    #[diesel(sql_type = SqlUuid)]
    pub requisition_id: Uuid,
    #[diesel(sql_type = BigInt)]
    pub applicants: i64,
    #[diesel(sql_type = BigInt)]
    pub interviewed: i64,
    #[diesel(sql_type = BigInt)]
    pub hired: i64,
}

pub struct CountsOfRequisition;

impl Relation for CountsOfRequisition {
    type Row = PipelineCounts;

    async fn fetch(
        conn: &mut AsyncPgConnection,
        who: Principal,
        keys: &[Uuid],
    ) -> QueryResult<Vec<PipelineCounts>> {
        // "Interviewed" counts every candidacy that reached INTERVIEWING, wherever it is now.
        diesel::sql_query(format!(
            "select t.requisition_id,
                    count(*) as applicants,
                    count(*) filter (where exists (select 1 from candidacy_events e
                        where e.candidacy_id = t.id and e.to_stage = 'interviewing')) as interviewed,
                    count(*) filter (where t.stage = 'hired') as hired
             from candidacies t
             where t.requisition_id = any($2) and {rule}
             group by t.requisition_id",
            rule = candidacies::table::readable_sql("t", 1),
        ))
        .bind::<SqlUuid, _>(who.user_id)
        .bind::<Array<SqlUuid>, _>(keys)
        .load(conn)
        .await
    }

    fn key(row: &PipelineCounts) -> Uuid {
        row.requisition_id
    }
}

/// The candidate of `organization_id` who is `user_id` or has their email (a person a
/// recruiter added before they applied), locked for the rest of the transaction.
pub async fn lock_candidate_of_user(
    conn: &mut AsyncPgConnection,
    organization_id: Uuid,
    user_id: Uuid,
    email: &str,
) -> QueryResult<Option<CandidateRow>> {
    candidates::table
        .filter(candidates::organization_id.eq(organization_id))
        .filter(candidates::user_id.eq(user_id).or(candidates::email.eq(email)))
        .order(candidates::user_id.is_null())
        .select(CandidateRow::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

pub async fn insert_candidate(
    conn: &mut AsyncPgConnection,
    organization_id: Uuid,
    user_id: Option<Uuid>,
    added_by: Option<Uuid>,
    values: &CandidateValues,
) -> QueryResult<CandidateRow> {
    diesel::insert_into(candidates::table)
        .values((
            candidates::id.eq(Uuid::now_v7()),
            candidates::organization_id.eq(organization_id),
            candidates::user_id.eq(user_id),
            candidates::added_by.eq(added_by),
            values,
        ))
        .returning(CandidateRow::as_returning())
        .get_result(conn)
        .await
}

/// Links a candidate a recruiter added to the careergraph user who now applies as them.
pub async fn link_candidate(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    user_id: Uuid,
) -> QueryResult<CandidateRow> {
    diesel::update(candidates::table.find(id))
        .set(candidates::user_id.eq(user_id))
        .returning(CandidateRow::as_returning())
        .get_result(conn)
        .await
}

pub struct NewCandidacy<'a> {
    pub candidate: &'a CandidateRow,
    pub requisition_id: Uuid,
    pub cover_note: Option<&'a str>,
    pub submitted_record: Option<serde_json::Value>,
    pub application_id: Option<Uuid>,
    pub actor_member_id: Option<Uuid>,
}

/// Creates a candidacy at APPLIED with its first history entry; `None` when the candidate
/// already has one for the requisition.
pub async fn insert_candidacy(
    conn: &mut AsyncPgConnection,
    new: NewCandidacy<'_>,
) -> QueryResult<Option<CandidacyRow>> {
    let inserted = diesel::insert_into(candidacies::table)
        .values((
            candidacies::id.eq(Uuid::now_v7()),
            candidacies::organization_id.eq(new.candidate.organization_id),
            candidacies::candidate_id.eq(new.candidate.id),
            candidacies::requisition_id.eq(new.requisition_id),
            candidacies::cover_note.eq(new.cover_note),
            candidacies::submitted_record.eq(new.submitted_record),
            candidacies::application_id.eq(new.application_id),
        ))
        .on_conflict((candidacies::candidate_id, candidacies::requisition_id))
        .do_nothing()
        .returning(CandidacyRow::as_returning())
        .get_result(conn)
        .await
        .optional()?;
    if let Some(candidacy) = &inserted {
        record_move(
            conn,
            candidacy,
            None,
            CandidacyStage::Applied,
            new.actor_member_id,
            None,
        )
        .await?;
    }
    Ok(inserted)
}

async fn record_move(
    conn: &mut AsyncPgConnection,
    candidacy: &CandidacyRow,
    from: Option<CandidacyStage>,
    to: CandidacyStage,
    actor_member_id: Option<Uuid>,
    note: Option<&str>,
) -> QueryResult<CandidacyEventRow> {
    diesel::insert_into(candidacy_events::table)
        .values((
            candidacy_events::id.eq(Uuid::now_v7()),
            candidacy_events::organization_id.eq(candidacy.organization_id),
            candidacy_events::candidacy_id.eq(candidacy.id),
            candidacy_events::actor_member_id.eq(actor_member_id),
            candidacy_events::from_stage.eq(from),
            candidacy_events::to_stage.eq(to),
            candidacy_events::note.eq(note),
        ))
        .returning(CandidacyEventRow::as_returning())
        .get_result(conn)
        .await
}

pub async fn lock_candidacy(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
) -> QueryResult<Option<CandidacyRow>> {
    candidacies::table
        .filter(candidacies::id.eq(id))
        .filter(candidacies::table::readable(who))
        .select(CandidacyRow::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

/// The candidacy that mirrors into the application, locked for the rest of the transaction.
/// Not filtered by the policy: the caller acts for the application's owner, who cannot read
/// the organisation's candidacy but withdraws it through their own application.
pub async fn lock_candidacy_of_application(
    conn: &mut AsyncPgConnection,
    application_id: Uuid,
) -> QueryResult<Option<CandidacyRow>> {
    candidacies::table
        .filter(candidacies::application_id.eq(application_id))
        .select(CandidacyRow::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

/// Moves a locked candidacy (the caller checked the move) and records who did it.
pub async fn move_candidacy(
    conn: &mut AsyncPgConnection,
    candidacy: &CandidacyRow,
    to: CandidacyStage,
    actor_member_id: Option<Uuid>,
    note: Option<&str>,
) -> QueryResult<CandidacyRow> {
    let moved = diesel::update(candidacies::table.find(candidacy.id))
        .set(candidacies::stage.eq(to))
        .returning(CandidacyRow::as_returning())
        .get_result(conn)
        .await?;
    record_move(conn, candidacy, Some(candidacy.stage), to, actor_member_id, note).await?;
    Ok(moved)
}

/// Shares the user's record with the organisation (again, if it was revoked).
pub async fn grant_share(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    organization_id: Uuid,
) -> QueryResult<()> {
    diesel::insert_into(record_shares::table)
        .values((
            record_shares::id.eq(Uuid::now_v7()),
            record_shares::user_id.eq(user_id),
            record_shares::organization_id.eq(organization_id),
        ))
        .on_conflict((record_shares::user_id, record_shares::organization_id))
        .do_update()
        .set((
            record_shares::granted_at.eq(diesel::dsl::now),
            record_shares::revoked_at.eq(None::<DateTime<Utc>>),
        ))
        .execute(conn)
        .await
        .map(drop)
}

/// Ends the principal's consent for the organisation; `None` when there is none active.
pub async fn revoke_share(
    conn: &mut AsyncPgConnection,
    who: Principal,
    organization_id: Uuid,
) -> QueryResult<Option<RecordShareRow>> {
    diesel::update(record_shares::table)
        .filter(record_shares::organization_id.eq(organization_id))
        .filter(record_shares::revoked_at.is_null())
        .filter(record_shares::table::writable(who))
        .set(record_shares::revoked_at.eq(diesel::dsl::now))
        .returning(RecordShareRow::as_returning())
        .get_result(conn)
        .await
        .optional()
}

/// What the user's career record holds now, as one JSON document: the snapshot a candidacy
/// keeps of what was submitted. Records the user marked private stay out.
pub async fn record_snapshot(conn: &mut AsyncPgConnection, user_id: Uuid) -> QueryResult<serde_json::Value> {
    #[derive(QueryableByName)]
    struct Snapshot {
        #[diesel(sql_type = Jsonb)]
        record: serde_json::Value,
    }
    let snapshot: Snapshot = diesel::sql_query(format!(
        "select jsonb_build_object(
           'takenAt', now(),
           'profile', (select to_jsonb(p) - 'user_id' - 'id' from candidate_profiles p where p.user_id = $1),
           'experiences', coalesce((select jsonb_agg(jsonb_build_object(
               'companyName', e.company_name, 'jobTitle', e.job_title, 'employmentType', e.employment_type,
               'startDate', e.start_date, 'endDate', e.end_date, 'summary', e.summary,
               'bullets', coalesce((select jsonb_agg(b.text order by b.sort_order) from bullets b
                                    where b.experience_id = e.id and not b.retired and {shared_b}), '[]'::jsonb),
               'projects', coalesce((select jsonb_agg(jsonb_build_object('name', pr.name, 'description', pr.description)
                                     order by pr.sort_order) from projects pr where pr.experience_id = e.id and {shared_pr}), '[]'::jsonb),
               'starStories', coalesce((select jsonb_agg(jsonb_build_object('situation', s.situation, 'task', s.task,
                                        'action', s.action, 'result', s.result)) from star_stories s
                                        where s.experience_id = e.id and {shared_s}), '[]'::jsonb),
               'skills', coalesce((select jsonb_agg(k.name order by k.name) from experience_skills es
                                   join skills k on k.id = es.skill_id where es.experience_id = e.id), '[]'::jsonb))
             order by e.sort_order) from experiences e where e.user_id = $1 and {shared_e}), '[]'::jsonb),
           'education', coalesce((select jsonb_agg(to_jsonb(ed) - 'user_id' - 'id') from education ed
                                  where ed.user_id = $1), '[]'::jsonb),
           'skills', coalesce((select jsonb_agg(jsonb_build_object('name', k.name, 'proficiency', cs.proficiency)
                               order by k.name) from candidate_skills cs join skills k on k.id = cs.skill_id
                               where cs.user_id = $1), '[]'::jsonb)
         ) as record",
        // What leaves the person is the access policy's to say: nothing they marked private.
        shared_e = crate::access::shareable_sql("experiences", "e"),
        shared_b = crate::access::shareable_sql("bullets", "b"),
        shared_pr = crate::access::shareable_sql("projects", "pr"),
        shared_s = crate::access::shareable_sql("star_stories", "s"),
    ))
    .bind::<SqlUuid, _>(user_id)
    .get_result(conn)
    .await?;
    Ok(snapshot.record)
}

/// Whose application this is: the candidacy that links it acts on it for its owner.
pub async fn application_owner(
    conn: &mut AsyncPgConnection,
    application_id: Uuid,
) -> QueryResult<Option<Uuid>> {
    use crate::db::schema::applications;
    applications::table
        .find(application_id)
        .select(applications::user_id)
        .first(conn)
        .await
        .optional()
}
