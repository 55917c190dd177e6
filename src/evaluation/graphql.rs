//! GraphQL for the evaluation: notes on candidacies, interviews and feedback, and their
//! mutations.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use diesel_async::AsyncConnection;
use uuid::Uuid;

use super::enums::CandidacyNoteType;
use super::store::{self, CandidacyNoteById, CandidacyNoteRow, CandidacyNoteValues, NotesOfCandidacy};
use crate::db::schema::{candidacies, candidacy_notes};
use crate::graphql::context::{services, viewer};
use crate::graphql::errors::{AppError, AppResult};
use crate::graphql::ids::{NodeType, decode_as};
use crate::graphql::{DeletePayload, IdInput};
use crate::hiring::graphql::{OrganizationMember, authorize};
use crate::hiring::store::{self as hiring, MemberById};
use crate::pipeline::graphql::{Candidacy, CandidacyEvaluation};
use crate::pipeline::store::CandidacyById;
use crate::validate::text;

#[derive(Clone, Debug)]
pub struct CandidacyNote(pub CandidacyNoteRow);

/// A note on a candidacy by a member of its hiring team (Assist-Ten ApplicationNote). Read by
/// the organisation's admins and recruiters; a private note by its author alone. Never shown to
/// the candidate.
#[Object]
impl CandidacyNote {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::CandidacyNote.id(self.0.id)
    }
    /// The note, 1 to 10,000 characters.
    async fn text(&self) -> &str {
        &self.0.body
    }
    /// What it is about.
    async fn note_type(&self) -> CandidacyNoteType {
        self.0.note_type
    }
    /// Whether only its author reads it.
    async fn is_private(&self) -> bool {
        self.0.is_private
    }
    /// When it was written.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// The member who wrote it; null once they have left the organisation.
    async fn author(&self, ctx: &Context<'_>) -> AppResult<Option<OrganizationMember>> {
        member(ctx, self.0.author_member_id).await
    }
    /// The candidacy it is on.
    async fn candidacy(&self, ctx: &Context<'_>) -> AppResult<Candidacy> {
        load_candidacy(ctx, self.0.candidacy_id)
            .await?
            .ok_or(AppError::NotFound("Candidacy"))
    }
}

async fn member(ctx: &Context<'_>, id: Option<Uuid>) -> AppResult<Option<OrganizationMember>> {
    let Some(id) = id else {
        return Ok(None);
    };
    Ok(viewer(ctx)?
        .loaders
        .one::<MemberById>(id)
        .await?
        .map(OrganizationMember))
}

async fn load_candidacy(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<Candidacy>> {
    Ok(viewer(ctx)?
        .loaders
        .one::<CandidacyById>(id)
        .await?
        .map(Candidacy::from))
}

#[Object]
impl CandidacyEvaluation {
    /// The hiring team's notes on it, oldest first: those the viewer may read (the
    /// organisation's admins and recruiters; private notes only their author). Empty for
    /// everyone else.
    async fn notes(&self, ctx: &Context<'_>) -> AppResult<Vec<CandidacyNote>> {
        let rows = viewer(ctx)?
            .loaders
            .many::<NotesOfCandidacy>(self.candidacy_id)
            .await?;
        Ok(rows.into_iter().map(CandidacyNote).collect())
    }
}

/// `node(id:)` for the evaluation's types.
pub async fn note_by_id(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<CandidacyNote>> {
    Ok(viewer(ctx)?
        .loaders
        .one::<CandidacyNoteById>(id)
        .await?
        .map(CandidacyNote))
}

/// A note to add to a candidacy.
#[derive(InputObject)]
pub struct AddCandidacyNoteInput {
    /// The candidacy.
    pub candidacy_id: ID,
    /// The note, 1 to 10,000 characters.
    pub text: String,
    /// What it is about; GENERAL when absent.
    pub note_type: Option<CandidacyNoteType>,
    /// Whether only its author may read it; false when absent.
    #[graphql(default)]
    pub is_private: bool,
}

/// Changes to a note: absent fields stay.
#[derive(InputObject)]
pub struct UpdateCandidacyNoteInput {
    /// The note.
    pub id: ID,
    /// The new text, 1 to 10,000 characters.
    pub text: Option<String>,
    /// What it is about.
    pub note_type: Option<CandidacyNoteType>,
    /// Whether only its author may read it.
    pub is_private: Option<bool>,
}

/// What note mutations answer.
#[derive(SimpleObject)]
pub struct CandidacyNotePayload {
    /// The note as it now is.
    pub note: CandidacyNote,
}

fn note_text(value: String) -> AppResult<String> {
    text("text", 10_000)(value)
}

#[derive(Default)]
pub struct EvaluationMutation;

#[Object]
impl EvaluationMutation {
    /// Adds a note to a candidacy, written by the viewer (the organisation's admins and
    /// recruiters; `FORBIDDEN` for a hiring manager who only reads the candidacy).
    async fn add_candidacy_note(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The candidacy and the note.")] input: AddCandidacyNoteInput,
    ) -> AppResult<CandidacyNotePayload> {
        let who = viewer(ctx)?.principal();
        let candidacy_id = decode_as(&input.candidacy_id, NodeType::Candidacy, "candidacyId")?;
        let values = CandidacyNoteValues {
            body: note_text(input.text)?,
            note_type: input.note_type.unwrap_or(CandidacyNoteType::General),
            is_private: input.is_private,
        };
        let mut conn = services(ctx).pool.get().await?;
        let note = conn
            .transaction::<_, AppError, _>(async |conn| {
                authorize::<candidacies::table>(
                    conn,
                    who,
                    candidacy_id,
                    "Candidacy",
                    "only admins and recruiters write notes",
                )
                .await?;
                let candidacy = hiring::one::<CandidacyById>(conn, who, candidacy_id)
                    .await?
                    .ok_or(AppError::NotFound("Candidacy"))?;
                let author = hiring::member_of(conn, who, candidacy.organization_id, who.user_id)
                    .await?
                    .ok_or(AppError::Forbidden("only admins and recruiters write notes"))?;
                Ok(store::insert_note(conn, &candidacy, author.id, &values).await?)
            })
            .await?;
        Ok(CandidacyNotePayload {
            note: CandidacyNote(note),
        })
    }

    /// Changes a note (its author only: `FORBIDDEN` for other admins and recruiters).
    async fn update_candidacy_note(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The note and the changes; every field is checked before anything is written.")]
        input: UpdateCandidacyNoteInput,
    ) -> AppResult<CandidacyNotePayload> {
        let who = viewer(ctx)?.principal();
        let id = decode_as(&input.id, NodeType::CandidacyNote, "id")?;
        let body = input.text.map(note_text).transpose()?;
        let mut conn = services(ctx).pool.get().await?;
        let note = conn
            .transaction::<_, AppError, _>(async |conn| {
                authorize::<candidacy_notes::table>(
                    conn,
                    who,
                    id,
                    "CandidacyNote",
                    "only its author changes a note",
                )
                .await?;
                let current = store::lock_note(conn, who, id)
                    .await?
                    .ok_or(AppError::NotFound("CandidacyNote"))?;
                let mut values = CandidacyNoteValues::from(&current);
                if let Some(body) = body {
                    values.body = body;
                }
                if let Some(note_type) = input.note_type {
                    values.note_type = note_type;
                }
                if let Some(is_private) = input.is_private {
                    values.is_private = is_private;
                }
                store::update_note(conn, who, id, &values)
                    .await?
                    .ok_or(AppError::NotFound("CandidacyNote"))
            })
            .await?;
        Ok(CandidacyNotePayload {
            note: CandidacyNote(note),
        })
    }

    /// Deletes a note (its author only: `FORBIDDEN` for other admins and recruiters).
    async fn delete_candidacy_note(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The note.")] input: IdInput,
    ) -> AppResult<DeletePayload> {
        let who = viewer(ctx)?.principal();
        let id = decode_as(&input.id, NodeType::CandidacyNote, "id")?;
        let mut conn = services(ctx).pool.get().await?;
        conn.transaction::<_, AppError, _>(async |conn| {
            authorize::<candidacy_notes::table>(
                conn,
                who,
                id,
                "CandidacyNote",
                "only its author deletes a note",
            )
            .await?;
            if !store::delete_note(conn, who, id).await? {
                return Err(AppError::NotFound("CandidacyNote"));
            }
            Ok(())
        })
        .await?;
        Ok(DeletePayload { deleted_id: input.id })
    }
}
