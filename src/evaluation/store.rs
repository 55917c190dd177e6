//! Rows and SQL of the evaluation: notes on candidacies, interviews with their interviewers,
//! and feedback. What a principal sees and changes is the access policy's (src/access).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::enums::CandidacyNoteType;
use crate::access::{Guarded, Principal};
use crate::db::schema::candidacy_notes;
use crate::guarded_relation;
use crate::pipeline::store::CandidacyRow;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = candidacy_notes)]
pub struct CandidacyNoteRow {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub candidacy_id: Uuid,
    pub author_member_id: Option<Uuid>,
    pub body: String,
    pub note_type: CandidacyNoteType,
    pub is_private: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The columns of a note its author writes.
#[derive(Clone, Debug, Insertable, AsChangeset)]
#[diesel(table_name = candidacy_notes)]
pub struct CandidacyNoteValues {
    pub body: String,
    pub note_type: CandidacyNoteType,
    pub is_private: bool,
}

impl From<&CandidacyNoteRow> for CandidacyNoteValues {
    fn from(row: &CandidacyNoteRow) -> Self {
        Self {
            body: row.body.clone(),
            note_type: row.note_type,
            is_private: row.is_private,
        }
    }
}

guarded_relation!(CandidacyNoteById: candidacy_notes.id => CandidacyNoteRow);
guarded_relation!(
    /// Each candidacy's notes, oldest first.
    NotesOfCandidacy: candidacy_notes.candidacy_id => CandidacyNoteRow,
    order by (candidacy_notes::created_at, candidacy_notes::id)
);

pub async fn insert_note(
    conn: &mut AsyncPgConnection,
    candidacy: &CandidacyRow,
    author_member_id: Uuid,
    values: &CandidacyNoteValues,
) -> QueryResult<CandidacyNoteRow> {
    diesel::insert_into(candidacy_notes::table)
        .values((
            candidacy_notes::id.eq(Uuid::now_v7()),
            candidacy_notes::organization_id.eq(candidacy.organization_id),
            candidacy_notes::candidacy_id.eq(candidacy.id),
            candidacy_notes::author_member_id.eq(author_member_id),
            values,
        ))
        .returning(CandidacyNoteRow::as_returning())
        .get_result(conn)
        .await
}

/// The note, locked for the rest of the transaction, if `who` may change it.
pub async fn lock_note(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
) -> QueryResult<Option<CandidacyNoteRow>> {
    candidacy_notes::table
        .filter(candidacy_notes::id.eq(id))
        .filter(candidacy_notes::table::writable(who))
        .select(CandidacyNoteRow::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

pub async fn update_note(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
    values: &CandidacyNoteValues,
) -> QueryResult<Option<CandidacyNoteRow>> {
    diesel::update(candidacy_notes::table)
        .filter(candidacy_notes::id.eq(id))
        .filter(candidacy_notes::table::writable(who))
        .set(values)
        .returning(CandidacyNoteRow::as_returning())
        .get_result(conn)
        .await
        .optional()
}

pub async fn delete_note(conn: &mut AsyncPgConnection, who: Principal, id: Uuid) -> QueryResult<bool> {
    diesel::delete(candidacy_notes::table)
        .filter(candidacy_notes::id.eq(id))
        .filter(candidacy_notes::table::writable(who))
        .execute(conn)
        .await
        .map(|deleted| deleted > 0)
}
