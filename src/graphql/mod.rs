//! The GraphQL toolkit: what every area shares (context, errors, ids, connections, loaders,
//! scalars, document limits and the small payload types below). It imports no area; the schema
//! itself is assembled in `src/schema/`.

pub mod connection;
pub mod context;
pub mod errors;
pub mod ids;
pub mod limits;
pub mod loaders;
pub mod persisted;
pub mod rate;
pub mod scalars;

/// The values of a text[] column (whose elements diesel types as nullable, though ours never
/// hold nulls).
pub fn present<T: Clone>(values: &[Option<T>]) -> Vec<T> {
    values.iter().flatten().cloned().collect()
}

/// The id of a deleted object.
#[derive(async_graphql::SimpleObject)]
pub struct DeletePayload {
    /// The global id of the object that was deleted (no longer found by `node`).
    pub deleted_id: async_graphql::ID,
}

/// Names one object to delete, retire or restore.
#[derive(async_graphql::InputObject)]
pub struct IdInput {
    /// The object's global id, as its `id` field gives it.
    pub id: async_graphql::ID,
}
