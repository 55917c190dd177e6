use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use crate::support::empty_database;

async fn table_count(url: &str) -> i64 {
    let mut conn = AsyncPgConnection::establish(url)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
        "(select count(*) from information_schema.tables where table_schema = 'public' and table_name <> '__diesel_schema_migrations')",
    ))
    .get_result(&mut conn)
    .await
    .unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn migrations_go_up_down_and_up_again() {
    let url = empty_database().await;
    let applied = careergraph::db::migrate(&url)
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    assert!(!applied.is_empty());
    let tables = table_count(&url).await;
    assert!(tables >= 4, "{tables} tables after migrating");

    let reverted = careergraph::db::revert_all(&url)
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(reverted, applied.len());
    assert_eq!(table_count(&url).await, 0, "down.sql left tables behind");

    let again = careergraph::db::migrate(&url)
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(again, applied);
    assert_eq!(table_count(&url).await, tables);
    // Nothing is pending any more.
    assert!(
        careergraph::db::migrate(&url)
            .await
            .unwrap_or_else(|e| panic!("{e:#}"))
            .is_empty()
    );
}
