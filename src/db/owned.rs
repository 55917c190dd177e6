//! Writes that are the same for every table a user owns: delete by id and reorder children.
//! Table and column names come from [`Owned`], never from input.

use std::collections::HashSet;

use diesel::QueryResult;
use diesel::sql_types::{Array, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

/// A table of rows owned by users (with `id` and `user_id` columns).
#[derive(Clone, Copy, Debug)]
pub enum Owned {
    Experiences,
    Engagements,
    Projects,
    StarStories,
    Bullets,
    Education,
    Strengths,
}

impl Owned {
    const fn table(self) -> &'static str {
        match self {
            Self::Experiences => "experiences",
            Self::Engagements => "engagements",
            Self::Projects => "projects",
            Self::StarStories => "star_stories",
            Self::Bullets => "bullets",
            Self::Education => "education",
            Self::Strengths => "strengths",
        }
    }
}

/// Deletes the owner's row; false when there is none with that id.
pub async fn delete(conn: &mut AsyncPgConnection, table: Owned, owner: Uuid, id: Uuid) -> QueryResult<bool> {
    let deleted = diesel::sql_query(format!(
        "delete from {} where id = $1 and user_id = $2",
        table.table()
    ))
    .bind::<SqlUuid, _>(id)
    .bind::<SqlUuid, _>(owner)
    .execute(conn)
    .await?;
    Ok(deleted == 1)
}

#[derive(diesel::QueryableByName)]
struct IdRow {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
}

/// The ids of the owner's rows whose `parent_column` is `parent`.
async fn children(
    conn: &mut AsyncPgConnection,
    table: Owned,
    parent_column: &'static str,
    owner: Uuid,
    parent: Uuid,
) -> QueryResult<Vec<Uuid>> {
    let rows: Vec<IdRow> = diesel::sql_query(format!(
        "select id from {} where user_id = $1 and {parent_column} = $2",
        table.table()
    ))
    .bind::<SqlUuid, _>(owner)
    .bind::<SqlUuid, _>(parent)
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|row| row.id).collect())
}

/// Gives the children of `parent` the order of `ids`, which must name each of them once.
/// Returns false (changing nothing) when it does not.
pub async fn reorder(
    conn: &mut AsyncPgConnection,
    table: Owned,
    parent_column: &'static str,
    owner: Uuid,
    parent: Uuid,
    ids: &[Uuid],
) -> QueryResult<bool> {
    let current: HashSet<Uuid> = children(conn, table, parent_column, owner, parent)
        .await?
        .into_iter()
        .collect();
    let wanted: HashSet<Uuid> = ids.iter().copied().collect();
    if wanted.len() != ids.len() || wanted != current {
        return Ok(false);
    }
    diesel::sql_query(format!(
        "update {table} set sort_order = w.position - 1
         from unnest($3) with ordinality as w(id, position)
         where {table}.id = w.id and {table}.user_id = $1 and {table}.{parent_column} = $2",
        table = table.table()
    ))
    .bind::<SqlUuid, _>(owner)
    .bind::<SqlUuid, _>(parent)
    .bind::<Array<SqlUuid>, _>(ids.to_vec())
    .execute(conn)
    .await?;
    Ok(true)
}
