#[test]
fn schema_graphql_is_current() {
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql")).unwrap_or_default();
    let current = careergraph::schema::sdl();
    assert!(
        committed == current,
        "schema.graphql is stale: regenerate it with `cargo run -- export-schema > schema.graphql`"
    );
}
