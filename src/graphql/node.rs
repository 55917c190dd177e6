//! Relay global object identification: `node(id:)` and `nodes(ids:)`.

use async_graphql::{Context, ID, Interface, Object};

use crate::accounts::graphql::{User, load_viewer};
use crate::graphql::context::viewer;
use crate::graphql::errors::{AppError, AppResult};
use crate::graphql::ids::{self, NodeType};
use crate::profile::graphql::{CandidateProfile, MbtiProfile, mbti_by_id, profile_of};

/// An object with a global id, which `node(id:)` fetches again.
#[expect(
    clippy::large_enum_variant,
    reason = "one short-lived value per node(id:) answer; boxing would cost more than it saves"
)]
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Opaque global id."))]
pub enum Node {
    User(User),
    CandidateProfile(CandidateProfile),
    MbtiProfile(MbtiProfile),
}

/// The viewer's object with this id, or None when there is none (or it is someone else's).
async fn find(ctx: &Context<'_>, id: &ID) -> AppResult<Option<Node>> {
    let (node_type, uuid) = ids::decode(id, "id")?;
    let me = viewer(ctx)?.id;
    Ok(match node_type {
        NodeType::User if uuid == me => Some(Node::User(load_viewer(ctx).await?)),
        NodeType::User => None,
        NodeType::CandidateProfile => Some(profile_of(ctx, me).await?)
            .filter(|profile| profile.0.id == uuid)
            .map(Node::CandidateProfile),
        NodeType::MbtiProfile => mbti_by_id(ctx, uuid).await?.map(Node::MbtiProfile),
    })
}

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Fetches any of the viewer's objects by its global id. `NOT_FOUND` when no object of
    /// the viewer's has it (someone else's object is never revealed); `BAD_USER_INPUT` when the
    /// id is malformed.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> AppResult<Option<Node>> {
        find(ctx, &id).await?.map(Some).ok_or(AppError::NotFound("node"))
    }

    /// Fetches several objects by global id, in the order given (null where not found).
    /// At most 100 ids.
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(validator(max_items = 100))] ids: Vec<ID>,
    ) -> AppResult<Vec<Option<Node>>> {
        let found = futures_util::future::join_all(ids.iter().map(|id| find(ctx, id))).await;
        found.into_iter().collect()
    }
}
