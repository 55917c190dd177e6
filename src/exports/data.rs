//! The data export (#15 item 7, "your data, your rights"): one zip archive of everything a
//! user owns, made by the export runner like a resume file and downloaded the same way.
//!
//! What a user owns is read from the database's catalog at the time of the export, not from a
//! list kept here, so a table added later is exported without a change to this file: the
//! `users` row itself, and every row of every table whose `user_id` or `owner_id` column is
//! the user's, except where that column's foreign key is `on delete set null` (an
//! organisation's record that mentions the user, such as a candidate it added, is the
//! organisation's and outlives the account). These are the rows deleting the account erases,
//! plus the audit log's entries about the user's data (`owner_id`).
//!
//! The archive:
//! - `manifest.json`: what it is, whose, when, and each table with its row count;
//! - `tables/<table>.json`: the rows as JSON objects, one array per table (every owned table,
//!   empty ones included), secrets left out (columns named `…_hash`);
//! - `files/<table>/<n>-<column>.<ext>`: binary columns (an artifact's PDF) and files kept in
//!   the object store for a row (a column `object_key`), each named in its row instead of its
//!   bytes. Earlier exports' files are not repeated in a new one.

use std::io::Write;

use chrono::Utc;
use diesel::QueryableByName;
use diesel::sql_types::{Array, Jsonb, Text, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::store::ExportJobRow;
use crate::graphql::errors::{AppError, AppResult};
use crate::storage::Storage;

/// The archive's format name and version, in its manifest.
pub const ARCHIVE_FORMAT: &str = "careergraph-data-export";
pub const ARCHIVE_VERSION: i64 = 1;

/// One table the user owns rows of, as the catalog describes it.
#[derive(Clone, Debug, QueryableByName)]
pub struct OwnedTable {
    #[diesel(sql_type = Text)]
    pub name: String,
    /// The columns that name the owner (`id` for `users`).
    #[diesel(sql_type = Array<Text>)]
    pub owner_columns: Vec<String>,
    /// Columns left out of the export: hashes of passwords, tokens and secrets.
    #[diesel(sql_type = Array<Text>)]
    pub secret_columns: Vec<String>,
    /// Binary columns, written as files of their own.
    #[diesel(sql_type = Array<Text>)]
    pub binary_columns: Vec<String>,
}

/// Every table of the public schema that holds rows a user owns (see the module's comment).
pub async fn owned_tables(conn: &mut AsyncPgConnection) -> diesel::QueryResult<Vec<OwnedTable>> {
    diesel::sql_query(
        "select c.relname::text as name,
                case when c.relname = 'users' then array['id']
                     else coalesce(array_agg(a.attname::text order by a.attname)
                                     filter (where a.attname in ('user_id', 'owner_id')
                                               and not exists (
                                                 select 1 from pg_constraint k
                                                 where k.conrelid = c.oid and k.contype = 'f'
                                                   and k.confdeltype = 'n'
                                                   and a.attnum = any (k.conkey))),
                                   '{}')
                end as owner_columns,
                coalesce(array_agg(a.attname::text order by a.attname)
                           filter (where a.attname like '%\\_hash'), '{}') as secret_columns,
                coalesce(array_agg(a.attname::text order by a.attname)
                           filter (where a.atttypid = 'bytea'::regtype), '{}') as binary_columns
         from pg_class c
         join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
         join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
         where c.relkind in ('r', 'p')
         group by c.oid, c.relname
         having c.relname = 'users'
             or bool_or(a.attname in ('user_id', 'owner_id')
                        and not exists (
                          select 1 from pg_constraint k
                          where k.conrelid = c.oid and k.contype = 'f' and k.confdeltype = 'n'
                            and a.attnum = any (k.conkey)))
         order by c.relname",
    )
    .load(conn)
    .await
}

fn quoted(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

#[derive(QueryableByName)]
struct Rows {
    #[diesel(sql_type = Jsonb)]
    rows: Value,
}

/// The user's rows of one table, as JSON objects without the secret columns.
async fn rows_of(conn: &mut AsyncPgConnection, table: &OwnedTable, user_id: Uuid) -> AppResult<Vec<Value>> {
    if table.owner_columns.is_empty() {
        return Ok(Vec::new());
    }
    let owned = table
        .owner_columns
        .iter()
        .map(|column| format!("t.{} = $1", quoted(column)))
        .collect::<Vec<_>>()
        .join(" or ");
    // Identifiers come from the catalog, quoted; the values are bound.
    let found: Rows = diesel::sql_query(format!(
        "select coalesce(jsonb_agg(to_jsonb(t) - $2::text[] order by to_jsonb(t) ->> 'created_at', t::text),
                         '[]'::jsonb) as rows
         from {} t where {owned}",
        quoted(&table.name)
    ))
    .bind::<SqlUuid, _>(user_id)
    .bind::<Array<Text>, _>(&table.secret_columns)
    .get_result(conn)
    .await?;
    Ok(match found.rows {
        Value::Array(rows) => rows,
        _ => Vec::new(),
    })
}

/// PostgreSQL's JSON form of a bytea value (`\x` and hex) as bytes.
fn bytea(value: &str) -> Option<Vec<u8>> {
    let hex = value.strip_prefix("\\x")?;
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

fn extension(bytes: &[u8]) -> &'static str {
    if bytes.starts_with(b"%PDF") { "pdf" } else { "bin" }
}

/// Everything the archive holds, by path.
pub struct Archive {
    pub entries: Vec<(String, Vec<u8>)>,
}

/// Reads everything the job's user owns: the archive's entries (tables, files, manifest).
pub async fn collect(
    conn: &mut AsyncPgConnection,
    storage: &Storage,
    job: &ExportJobRow,
) -> AppResult<Archive> {
    let tables = owned_tables(conn).await?;
    let mut entries = Vec::new();
    let mut manifest_tables = Map::new();
    for table in &tables {
        let mut rows = rows_of(conn, table, job.user_id).await?;
        for (n, row) in rows.iter_mut().enumerate() {
            let Some(fields) = row.as_object_mut() else {
                continue;
            };
            for column in &table.binary_columns {
                let Some(bytes) = fields.get(column).and_then(Value::as_str).and_then(bytea) else {
                    continue;
                };
                let path = format!("files/{}/{}-{column}.{}", table.name, n + 1, extension(&bytes));
                fields.insert(column.clone(), Value::String(path.clone()));
                entries.push((path, bytes));
            }
            // A file in the object store; an earlier export's is not the user's data again.
            if table.name != "export_jobs"
                && let Some(key) = fields
                    .get("object_key")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                && let Some(bytes) = storage.get(&key).await.map_err(AppError::internal)?
            {
                let base = key.rsplit('/').next().unwrap_or("file");
                let path = format!("files/{}/{}-{base}", table.name, n + 1);
                fields.insert("file".to_owned(), Value::String(path.clone()));
                entries.push((path, bytes));
            }
        }
        let path = format!("tables/{}.json", table.name);
        manifest_tables.insert(table.name.clone(), json!({ "file": path, "rows": rows.len() }));
        entries.push((
            path,
            serde_json::to_vec_pretty(&Value::Array(rows)).map_err(AppError::internal)?,
        ));
    }
    let manifest = json!({
        "format": ARCHIVE_FORMAT,
        "version": ARCHIVE_VERSION,
        "userId": job.user_id,
        "exportId": job.id,
        "createdAt": Utc::now(),
        "tables": manifest_tables,
        "notes": "Every row the account owns, one JSON array per table (secret hashes left out); \
                  binary values and stored files under files/, named in their rows.",
    });
    entries.insert(
        0,
        (
            "manifest.json".to_owned(),
            serde_json::to_vec_pretty(&manifest).map_err(AppError::internal)?,
        ),
    );
    Ok(Archive { entries })
}

impl Archive {
    /// The zip file (CPU work: call it off the async threads).
    pub fn zip(self) -> AppResult<Vec<u8>> {
        let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options =
            zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (path, bytes) in self.entries {
            writer.start_file(path, options).map_err(AppError::internal)?;
            writer.write_all(&bytes).map_err(AppError::internal)?;
        }
        Ok(writer.finish().map_err(AppError::internal)?.into_inner())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn bytea_hex_reads_back() {
        assert_eq!(super::bytea("\\x25504446"), Some(b"%PDF".to_vec()));
        assert_eq!(super::bytea("\\x2"), None);
        assert_eq!(super::bytea("plain"), None);
    }
}
