//! GraphQL for contacts: the `Contact` type, the owner's list (shown on `User` by the accounts
//! area), and creating, changing, deleting, restoring and erasing one.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{Bool, Nullable, Text};
use uuid::Uuid;

use super::RESTORE_DAYS;
use super::store::{self, ContactById, ContactChanges, ContactRow, NewContact};
use crate::companies::graphql::Company;
use crate::companies::store::CompanyOfContact;
use crate::db::schema::contacts;
use crate::graphql::connection::{Conn, Listing, PageArgs, PageKey};
use crate::graphql::context::{services, viewer};
use crate::graphql::errors::{AppError, AppResult};
use crate::graphql::ids::{NodeType, decode_as};
use crate::graphql::scalars::{EmailAddress, Url};
use crate::graphql::{DeletePayload, IdInput};
use crate::payload_edge;
use crate::validate::{self, field, text};

/// LinkedIn profiles live on linkedin.com.
const LINKEDIN: &[&str] = &["linkedin.com"];

#[derive(Clone, Debug)]
pub struct Contact(pub ContactRow);

/// A person in the viewer's professional network (ETPS Contact): a former colleague, a
/// recruiter, a possible hiring manager. Contacts are the only place the server keeps another
/// person's name, email or LinkedIn URL; everything else refers to a contact by its id. Only
/// its owner reads it, and only until it is deleted (`deleteContact`).
#[Object]
impl Contact {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::Contact.id(self.0.id)
    }
    /// Their name as the viewer writes it, 1 to 255 characters.
    async fn full_name(&self) -> &str {
        &self.0.full_name
    }
    /// Their job title, up to 255 characters; null when not known.
    async fn title(&self) -> Option<&str> {
        self.0.title.as_deref()
    }
    /// Their email address (lower case); null when not known.
    async fn email(&self) -> Option<EmailAddress> {
        self.0.email.clone().map(EmailAddress)
    }
    /// Their LinkedIn profile (a linkedin.com URL); null when not known.
    async fn linkedin_url(&self) -> Option<Url> {
        self.0.linkedin_url.clone().map(Url)
    }
    /// The viewer's notes about them, up to 10,000 characters; null when none.
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }
    /// How the viewer knows them, in the viewer's words (`former colleague`, `recruiter`, …),
    /// up to 50 characters; null when not said.
    async fn relationship_type(&self) -> Option<&str> {
        self.0.relationship_type.as_deref()
    }
    /// How strong the connection is, from 0 (barely) to 1 (close); null when not judged.
    async fn relationship_strength(&self) -> Option<f64> {
        self.0.relationship_strength
    }
    /// Whether the viewer sees them as a possible hiring manager.
    async fn is_hiring_manager_candidate(&self) -> bool {
        self.0.is_hiring_manager_candidate
    }
    /// The company they work for, as the viewer wrote it, up to 200 characters; null when
    /// not known.
    async fn company_name(&self) -> Option<&str> {
        self.0.company_name.as_deref()
    }
    /// Their employer in the company catalog, found (or added) by `companyName` in any letter
    /// case and spacing; null when `companyName` is.
    async fn company(&self, ctx: &Context<'_>) -> AppResult<Option<Company>> {
        let found = viewer(ctx)?.loaders.one::<CompanyOfContact>(self.0.id).await?;
        Ok(found.map(|f| Company(f.company)))
    }
    /// The id of `company`; null when it is.
    async fn company_id(&self, ctx: &Context<'_>) -> AppResult<Option<ID>> {
        let found = viewer(ctx)?.loaders.one::<CompanyOfContact>(self.0.id).await?;
        Ok(found.map(|f| NodeType::Company.id(f.company.id)))
    }
    /// When the contact was added.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the contact last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// Which contacts to list.
#[derive(InputObject, Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ContactFilter {
    /// true: only possible hiring managers; false: only the others; omitted: both.
    pub is_hiring_manager_candidate: Option<bool>,
    /// Only contacts at this company (its name, in any letter case).
    pub company_name: Option<String>,
}

/// A user's live contacts, by name.
pub struct ContactsOfUser;

impl Listing for ContactsOfUser {
    type Table = contacts::table;
    type Row = ContactRow;
    type Filter = ContactFilter;
    const FROM: &'static str = "contacts t";
    const PARENT: &'static str = "t.user_id";
    const WHERE: &'static str = "and ($7::bool is null or t.is_hiring_manager_candidate = $7) \
                                 and ($8::text is null or lower(t.company_name) = lower($8))";

    fn order_by(_: &Self::Filter) -> &'static str {
        "lower(t.full_name), t.created_at"
    }

    fn bind<'a>(
        query: BoxedSqlQuery<'a, Pg, SqlQuery>,
        filter: &Self::Filter,
    ) -> BoxedSqlQuery<'a, Pg, SqlQuery> {
        query
            .bind::<Nullable<Bool>, _>(filter.is_hiring_manager_candidate)
            .bind::<Nullable<Text>, _>(filter.company_name.clone())
    }
}

/// `User.contacts`.
pub async fn contacts_of(
    ctx: &Context<'_>,
    user_id: Uuid,
    filter: ContactFilter,
    args: PageArgs,
) -> AppResult<Conn<Contact>> {
    let key = PageKey {
        parent: user_id,
        args,
        filter,
    };
    let page = viewer(ctx)?.loaders.page::<ContactsOfUser>(key).await?;
    Ok(page.into_connection(|row| row.id, Contact))
}

/// `node(id:)` for a contact.
pub async fn contact_by_id(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<Contact>> {
    Ok(viewer(ctx)?.loaders.one::<ContactById>(id).await?.map(Contact))
}

/// A new contact.
#[derive(InputObject)]
pub struct CreateContactInput {
    /// Their name, 1 to 255 characters.
    pub full_name: String,
    /// Their job title, up to 255 characters.
    pub title: Option<String>,
    /// Their email address.
    pub email: Option<EmailAddress>,
    /// Their LinkedIn profile: an http(s) URL on linkedin.com.
    pub linkedin_url: Option<Url>,
    /// Notes about them, up to 10,000 characters.
    pub notes: Option<String>,
    /// How the viewer knows them, up to 50 characters.
    pub relationship_type: Option<String>,
    /// How strong the connection is, 0 to 1.
    pub relationship_strength: Option<f64>,
    /// Whether they may be a hiring manager. Default false.
    #[graphql(default)]
    pub is_hiring_manager_candidate: bool,
    /// The company they work for, up to 200 characters.
    pub company_name: Option<String>,
}

/// Changes to a contact: an omitted field stays, null clears it.
#[derive(InputObject)]
pub struct UpdateContactInput {
    /// The contact (one of the viewer's, not deleted).
    pub id: ID,
    /// Their name, 1 to 255 characters; null is `BAD_USER_INPUT` (a contact always has one).
    pub full_name: MaybeUndefined<String>,
    /// Their job title, up to 255 characters.
    pub title: MaybeUndefined<String>,
    /// Their email address.
    pub email: MaybeUndefined<EmailAddress>,
    /// Their LinkedIn profile: an http(s) URL on linkedin.com.
    pub linkedin_url: MaybeUndefined<Url>,
    /// Notes about them, up to 10,000 characters.
    pub notes: MaybeUndefined<String>,
    /// How the viewer knows them, up to 50 characters.
    pub relationship_type: MaybeUndefined<String>,
    /// How strong the connection is, 0 to 1.
    pub relationship_strength: MaybeUndefined<f64>,
    /// Whether they may be a hiring manager.
    pub is_hiring_manager_candidate: Option<bool>,
    /// The company they work for, up to 200 characters.
    pub company_name: MaybeUndefined<String>,
}

/// A connection strength: a finite number from 0 to 1.
fn strength(value: f64) -> AppResult<f64> {
    if value.is_finite() && (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(AppError::bad_input(
            "relationshipStrength",
            format!("relationshipStrength must be between 0 and 1, got {value}"),
        ))
    }
}

impl CreateContactInput {
    fn checked(self) -> AppResult<NewContact> {
        Ok(NewContact {
            full_name: validate::text_of("fullName", &self.full_name, 255)?,
            title: self.title.map(text("title", 255)).transpose()?,
            email: self
                .email
                .map(|email| validate::email("email", &email))
                .transpose()?,
            linkedin_url: self
                .linkedin_url
                .map(validate::url("linkedinUrl", LINKEDIN))
                .transpose()?,
            notes: self.notes.map(text("notes", 10_000)).transpose()?,
            relationship_type: self
                .relationship_type
                .map(text("relationshipType", 50))
                .transpose()?,
            relationship_strength: self.relationship_strength.map(strength).transpose()?,
            is_hiring_manager_candidate: self.is_hiring_manager_candidate,
            company_name: self.company_name.map(text("companyName", 200)).transpose()?,
        })
    }
}

impl UpdateContactInput {
    fn checked(self) -> AppResult<(Uuid, ContactChanges)> {
        let id = decode_as(&self.id, NodeType::Contact, "id")?;
        let changes = ContactChanges {
            full_name: match self.full_name {
                MaybeUndefined::Undefined => None,
                MaybeUndefined::Null => {
                    return Err(AppError::bad_input("fullName", "fullName cannot be cleared"));
                }
                MaybeUndefined::Value(name) => Some(validate::text_of("fullName", &name, 255)?),
            },
            title: field(self.title, text("title", 255))?,
            email: field(self.email, |email| validate::email("email", &email))?,
            linkedin_url: field(self.linkedin_url, validate::url("linkedinUrl", LINKEDIN))?,
            notes: field(self.notes, text("notes", 10_000))?,
            relationship_type: field(self.relationship_type, text("relationshipType", 50))?,
            relationship_strength: field(self.relationship_strength, strength)?,
            is_hiring_manager_candidate: self.is_hiring_manager_candidate,
            company_name: field(self.company_name, text("companyName", 200))?,
        };
        Ok((id, changes))
    }
}

/// What creating, changing or restoring a contact answers.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct ContactPayload {
    /// The contact as it is now.
    pub contact: Contact,
}

payload_edge!(ContactPayload.contact_edge: Contact = contact, id contact.0.id);

/// What `deleteContact` answers.
#[derive(SimpleObject)]
pub struct DeleteContactPayload {
    /// The global id of the deleted contact (no longer found by `node` or in any list).
    pub deleted_id: ID,
    /// Until when `restoreContact` brings it back; after that the server erases it for good.
    pub restorable_until: DateTime<Utc>,
}

#[derive(Default)]
pub struct ContactsMutation;

#[Object]
impl ContactsMutation {
    /// Adds a contact to the viewer's network. `BAD_USER_INPUT` (naming the field) for a blank
    /// name, a bad email or LinkedIn URL, a strength outside 0–1 or text too long.
    async fn create_contact(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `CreateContactInput`. Every field is checked before anything is written."
        )]
        input: CreateContactInput,
    ) -> AppResult<ContactPayload> {
        let new = input.checked()?;
        let who = viewer(ctx)?.principal();
        let mut conn = services(ctx).pool.get().await?;
        let row = store::insert_contact(&mut conn, who, &new).await?;
        Ok(ContactPayload {
            contact: Contact(row),
        })
    }

    /// Changes a contact of the viewer. `NOT_FOUND` when it is not theirs or deleted;
    /// `BAD_USER_INPUT` as for `createContact`.
    async fn update_contact(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `UpdateContactInput`. Every field is checked before anything is written."
        )]
        input: UpdateContactInput,
    ) -> AppResult<ContactPayload> {
        let (id, changes) = input.checked()?;
        let who = viewer(ctx)?.principal();
        let mut conn = services(ctx).pool.get().await?;
        let row = store::update_contact(&mut conn, who, id, &changes)
            .await?
            .ok_or(AppError::NotFound("Contact"))?;
        Ok(ContactPayload {
            contact: Contact(row),
        })
    }

    /// Deletes a contact of the viewer: from now on no list, lookup or `node` shows it.
    /// `restoreContact` brings it back within 30 days; after that the server erases it for
    /// good. `NOT_FOUND` when it is not theirs or already deleted.
    async fn delete_contact(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `IdInput`. Every field is checked before anything is written."
        )]
        input: IdInput,
    ) -> AppResult<DeleteContactPayload> {
        let id = decode_as(&input.id, NodeType::Contact, "id")?;
        let who = viewer(ctx)?.principal();
        let mut conn = services(ctx).pool.get().await?;
        let deleted_at = store::soft_delete(&mut conn, who, id)
            .await?
            .ok_or(AppError::NotFound("Contact"))?;
        Ok(DeleteContactPayload {
            deleted_id: input.id,
            restorable_until: deleted_at + chrono::Duration::days(RESTORE_DAYS),
        })
    }

    /// Brings back a contact the viewer deleted less than 30 days ago. `NOT_FOUND` when it is
    /// not theirs, not deleted, erased, or deleted longer ago.
    async fn restore_contact(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `IdInput`. Every field is checked before anything is written."
        )]
        input: IdInput,
    ) -> AppResult<ContactPayload> {
        let id = decode_as(&input.id, NodeType::Contact, "id")?;
        let who = viewer(ctx)?.principal();
        let mut conn = services(ctx).pool.get().await?;
        let row = store::restore(&mut conn, who, id)
            .await?
            .ok_or(AppError::NotFound("Contact"))?;
        Ok(ContactPayload {
            contact: Contact(row),
        })
    }

    /// Erases a contact of the viewer for good, deleted or not: nothing of it stays (the audit
    /// log never held its personal fields). `NOT_FOUND` when it is not theirs or already
    /// erased.
    async fn erase_contact(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `IdInput`. Every field is checked before anything is written."
        )]
        input: IdInput,
    ) -> AppResult<DeletePayload> {
        let id = decode_as(&input.id, NodeType::Contact, "id")?;
        let who = viewer(ctx)?.principal();
        let mut conn = services(ctx).pool.get().await?;
        if !store::erase(&mut conn, who, id).await? {
            return Err(AppError::NotFound("Contact"));
        }
        Ok(DeletePayload { deleted_id: input.id })
    }
}
