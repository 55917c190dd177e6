//! SQL for uploaded documents. What a client reads and changes goes through the access policy;
//! the orphan sweep asks which keys any row names, over every user's rows.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::enums::{DocumentCategory, FileType};
use crate::access::{Guarded, Principal};
use crate::db::schema::uploaded_documents;
use crate::guarded_relation;

#[derive(Clone, Debug, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = uploaded_documents)]
pub struct DocumentRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub organization_id: Option<Uuid>,
    pub candidate_id: Option<Uuid>,
    pub original_filename: String,
    pub file_type: FileType,
    pub category: DocumentCategory,
    pub storage_key: String,
    pub thumbnail_key: Option<String>,
    pub size_bytes: i64,
    pub mime_type: String,
    pub sha256: String,
    pub extracted_text: Option<String>,
    pub extraction_preview: Option<String>,
    pub is_encrypted: bool,
    pub encryption_method: Option<String>,
    pub suggested_skill_ids: Vec<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

guarded_relation!(DocumentById: uploaded_documents.id => DocumentRow);

#[derive(Debug, Insertable)]
#[diesel(table_name = uploaded_documents)]
pub struct NewDocument {
    pub id: Uuid,
    pub user_id: Uuid,
    pub original_filename: String,
    pub file_type: FileType,
    pub category: DocumentCategory,
    pub storage_key: String,
    pub thumbnail_key: Option<String>,
    pub size_bytes: i64,
    pub mime_type: String,
    pub sha256: String,
    pub extracted_text: Option<String>,
    pub extraction_preview: Option<String>,
    pub is_encrypted: bool,
    pub encryption_method: Option<String>,
    pub suggested_skill_ids: Vec<Uuid>,
}

/// Where a user's file lives in the object store. Every upload key starts with
/// [`super::KEY_PREFIX`], which the sweep lists.
pub fn storage_key(user_id: Uuid, id: Uuid) -> String {
    format!("{}/{user_id}/{id}", super::KEY_PREFIX)
}

pub async fn insert(conn: &mut AsyncPgConnection, new: &NewDocument) -> QueryResult<DocumentRow> {
    diesel::insert_into(uploaded_documents::table)
        .values(new)
        .returning(DocumentRow::as_returning())
        .get_result(conn)
        .await
}

pub async fn document_of(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
) -> QueryResult<Option<DocumentRow>> {
    uploaded_documents::table
        .filter(uploaded_documents::table::readable(who))
        .filter(uploaded_documents::id.eq(id))
        .select(DocumentRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// Deletes the principal's document; the row as it was, or None when it is not theirs.
pub async fn delete(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
) -> QueryResult<Option<DocumentRow>> {
    diesel::delete(
        uploaded_documents::table
            .filter(uploaded_documents::table::writable(who))
            .filter(uploaded_documents::id.eq(id)),
    )
    .returning(DocumentRow::as_returning())
    .get_result(conn)
    .await
    .optional()
}

/// Deletes the principal's own profile photo, if they have one: the row as it was.
pub async fn delete_photo(conn: &mut AsyncPgConnection, who: Principal) -> QueryResult<Option<DocumentRow>> {
    diesel::delete(
        uploaded_documents::table
            .filter(uploaded_documents::table::writable(who))
            .filter(uploaded_documents::user_id.eq(who.user_id))
            .filter(uploaded_documents::organization_id.is_null())
            .filter(uploaded_documents::category.eq(DocumentCategory::Photo)),
    )
    .returning(DocumentRow::as_returning())
    .get_result(conn)
    .await
    .optional()
}

/// Sets the skills still suggested from a document of the principal's.
pub async fn set_suggested(
    conn: &mut AsyncPgConnection,
    who: Principal,
    id: Uuid,
    skill_ids: &[Uuid],
) -> QueryResult<Option<DocumentRow>> {
    diesel::update(
        uploaded_documents::table
            .filter(uploaded_documents::table::writable(who))
            .filter(uploaded_documents::id.eq(id)),
    )
    .set((
        uploaded_documents::suggested_skill_ids.eq(skill_ids),
        uploaded_documents::updated_at.eq(diesel::dsl::now),
    ))
    .returning(DocumentRow::as_returning())
    .get_result(conn)
    .await
    .optional()
}

/// Which of `keys` a row names (as its file or its thumbnail), whoever's row it is.
pub async fn keys_in_use(conn: &mut AsyncPgConnection, keys: &[String]) -> QueryResult<Vec<String>> {
    let files: Vec<String> = uploaded_documents::table
        .filter(uploaded_documents::storage_key.eq_any(keys))
        .select(uploaded_documents::storage_key)
        .load(conn)
        .await?;
    let thumbnails: Vec<Option<String>> = uploaded_documents::table
        .filter(uploaded_documents::thumbnail_key.eq_any(keys))
        .select(uploaded_documents::thumbnail_key)
        .load(conn)
        .await?;
    Ok(files
        .into_iter()
        .chain(thumbnails.into_iter().flatten())
        .collect())
}
