//! GraphQL for uploads: `UploadedDocument`, the viewer's documents, `uploadDocument`,
//! `uploadProfilePhoto`, `deleteUploadedDocument`, `createJobPostingFromDocument` and
//! `acceptSuggestedSkills`; and the `Upload` scalar the files arrive as.

use std::io::{Read, Seek};

use async_graphql::{
    Context, ID, InputObject, InputValueError, InputValueResult, Object, Scalar, ScalarType, SimpleObject,
    Value,
};
use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{Nullable, Text};
use diesel_async::AsyncConnection;
use sha2::Digest;
use uuid::Uuid;

use super::Uploads;
use super::detect::detect;
use super::enums::{DocumentCategory, FileType};
use super::extract;
use super::photo;
use super::store::{self, DocumentById, DocumentRow, NewDocument};
use crate::db::schema::uploaded_documents;
use crate::graphql::DeletePayload;
use crate::graphql::connection::{Conn, Listing, PageArgs, PageKey};
use crate::graphql::context::{services, viewer};
use crate::graphql::errors::{AppError, AppResult};
use crate::graphql::ids::{NodeType, decode_as};
use crate::jobs::graphql::{JobPosting, JobPostingPayload, extract_skills};
use crate::jobs::store::NewJobPosting;
use crate::skills::graphql::{Skill, load_skill};
use crate::storage::Storage;
use crate::validate;

/// Largest profile photo accepted, in bytes (5 MB).
pub const MAX_PHOTO_BYTES: u64 = 5 * 1024 * 1024;

/// A file of a multipart request: the index of its upload in the request.
pub struct FileUpload(usize);

/// What the multipart reader puts in a variable in place of a file (async-graphql's form).
const FILE_MARKER: &str = "#__graphql_file__:";

#[Scalar(
    name = "Upload",
    specified_by_url = "https://github.com/jaydenseric/graphql-multipart-request-spec"
)]
/// A file sent in the same request as a part of a `multipart/form-data` POST, as the GraphQL
/// multipart request spec has it (Apollo Client's, urql's and Relay's upload links send it):
/// the `operations` part has `null` where the file goes, the `map` part names the variable path
/// (`variables.input.file`), and the file follows. Such a POST must carry an
/// `Apollo-Require-Preflight` header. It cannot be written in a document or sent in JSON.
impl ScalarType for FileUpload {
    fn parse(value: Value) -> InputValueResult<Self> {
        let index = match &value {
            Value::String(text) => text
                .strip_prefix(FILE_MARKER)
                .and_then(|index| index.parse::<usize>().ok()),
            _ => None,
        };
        index.map(FileUpload).ok_or_else(|| {
            InputValueError::custom(
                "a file is sent as a part of a multipart request (GraphQL multipart request spec), \
                 mapped to this variable",
            )
        })
    }

    fn to_value(&self) -> Value {
        Value::Null
    }
}

/// A file as the client sent it.
struct Received {
    filename: String,
    bytes: Vec<u8>,
}

/// The upload's bytes, if it is at most `limit` bytes long (`BAD_USER_INPUT` on `field`
/// otherwise).
async fn receive(
    ctx: &Context<'_>,
    file: &FileUpload,
    field: &str,
    limit: u64,
    what: &str,
) -> AppResult<Received> {
    let value = ctx
        .query_env
        .uploads
        .get(file.0)
        .map(async_graphql::UploadValue::try_clone)
        .transpose()
        .map_err(AppError::internal)?
        .ok_or_else(|| AppError::bad_input(field, "no file was sent for this variable"))?;
    let size = value.size().map_err(AppError::internal)?;
    if size > limit {
        return Err(AppError::bad_input(
            field,
            format!("{what} is {size} bytes; at most {limit} bytes are accepted"),
        ));
    }
    let filename = value.filename.clone();
    let bytes = tokio::task::spawn_blocking(move || {
        let mut content = value.content;
        content.rewind()?;
        let mut bytes = Vec::with_capacity(size as usize);
        content.take(limit + 1).read_to_end(&mut bytes)?;
        Ok::<_, std::io::Error>(bytes)
    })
    .await
    .map_err(AppError::internal)?
    .map_err(AppError::internal)?;
    Ok(Received { filename, bytes })
}

/// The name a file keeps: its last path segment, without control characters, at most 255
/// characters; `fallback` when nothing is left.
fn file_name(sent: &str, fallback: &str) -> String {
    let base = sent.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base.chars().filter(|c| !c.is_control()).take(255).collect();
    let clean = clean.trim();
    if clean.is_empty() {
        fallback.to_owned()
    } else {
        clean.to_owned()
    }
}

fn storage<'a>(ctx: &Context<'a>) -> AppResult<(&'a Uploads, &'a Storage)> {
    let uploads = ctx.data_unchecked::<Uploads>();
    match &uploads.storage {
        Some(storage) => Ok((uploads, storage)),
        None => Err(AppError::Unavailable),
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Deletes objects whose rows are gone; one that stays is the sweep's.
async fn delete_objects(storage: &Storage, row: &DocumentRow) {
    for key in std::iter::once(&row.storage_key).chain(row.thumbnail_key.as_ref()) {
        if let Err(error) = storage.delete(key).await {
            tracing::warn!(%error, key, "cannot delete an uploaded file; the sweep will");
        }
    }
}

/// An uploaded file, by its row.
pub struct UploadedDocument(pub DocumentRow);

/// A file someone uploaded: a CV, a job description, a portfolio or a profile photo. Its bytes
/// are in the object store, served at `url` to whoever may read it.
#[Object]
impl UploadedDocument {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::UploadedDocument.id(self.0.id)
    }

    /// The file's name as the uploader's client sent it (its last path segment).
    async fn original_filename(&self) -> &str {
        &self.0.original_filename
    }

    /// The kind of file, decided from its bytes.
    async fn file_type(&self) -> FileType {
        self.0.file_type
    }

    /// What it is for.
    async fn category(&self) -> DocumentCategory {
        self.0.category
    }

    /// Its size in bytes (a photo's after re-encoding).
    async fn size_bytes(&self) -> f64 {
        self.0.size_bytes as f64
    }

    /// The media type it is served with, from its file type (never the client's claim).
    async fn mime_type(&self) -> &str {
        &self.0.mime_type
    }

    /// The SHA-256 of its bytes, in hex: also its download's `ETag`.
    async fn sha256(&self) -> &str {
        &self.0.sha256
    }

    /// Where to GET the file, with an `Authorization: Bearer` token of someone who may read
    /// it: a path on this server, which answers 404 to anyone else.
    async fn url(&self) -> String {
        crate::storage::upload_path(&NodeType::UploadedDocument.id(self.0.id).0)
    }

    /// A photo's thumbnail (at most 256 pixels a side), served like `url`; null for documents.
    async fn thumbnail_url(&self) -> Option<String> {
        self.0
            .thumbnail_key
            .as_ref()
            .map(|_| crate::storage::thumbnail_path(&NodeType::UploadedDocument.id(self.0.id).0))
    }

    /// The document's text (PDF, DOCX, plain text); null for photos and for files whose text
    /// could not be read (a scanned PDF has none).
    async fn extracted_text(&self) -> Option<&str> {
        self.0.extracted_text.as_deref()
    }

    /// The text's first words (about 300 characters, white space collapsed); null without
    /// text.
    async fn extraction_preview(&self) -> Option<&str> {
        self.0.extraction_preview.as_deref()
    }

    /// Whether the object store encrypts the file at rest (an S3 bucket configured with
    /// `--s3-encryption`).
    async fn is_encrypted(&self) -> bool {
        self.0.is_encrypted
    }

    /// How the store encrypts it (`AES256`, `aws:kms`); null when it does not.
    async fn encryption_method(&self) -> Option<&str> {
        self.0.encryption_method.as_deref()
    }

    /// Catalog skills found in a CV's text that the viewer does not list yet, for them to
    /// accept with `acceptSuggestedSkills` (never added on their own). Empty for other
    /// documents.
    async fn suggested_skills(&self, ctx: &Context<'_>) -> AppResult<Vec<Skill>> {
        let mut skills = Vec::with_capacity(self.0.suggested_skill_ids.len());
        for id in &self.0.suggested_skill_ids {
            match load_skill(ctx, *id).await {
                Ok(skill) => skills.push(skill),
                // A private skill deleted since: no longer suggested.
                Err(AppError::NotFound(_)) => {}
                Err(error) => return Err(error),
            }
        }
        Ok(skills)
    }

    /// When it was uploaded.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When its row last changed (suggestions accepted).
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// The uploaded document with this id, if the viewer may read it (for `node`).
pub async fn uploaded_document_by_id(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<UploadedDocument>> {
    Ok(viewer(ctx)?
        .loaders
        .one::<DocumentById>(id)
        .await?
        .map(UploadedDocument))
}

/// Filters for the viewer's documents.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct DocumentFilter {
    category: Option<DocumentCategory>,
}

/// The viewer's own uploads, newest first.
pub struct UploadedDocuments;

impl Listing for UploadedDocuments {
    type Table = uploaded_documents::table;
    type Row = DocumentRow;
    type Filter = DocumentFilter;
    const FROM: &'static str = "uploaded_documents t";
    const PARENT: &'static str = "t.user_id";
    const WHERE: &'static str = "and ($7::text is null or t.category = $7)";

    fn order_by(_: &DocumentFilter) -> &'static str {
        "t.created_at desc"
    }

    fn bind<'a>(
        query: BoxedSqlQuery<'a, Pg, SqlQuery>,
        filter: &DocumentFilter,
    ) -> BoxedSqlQuery<'a, Pg, SqlQuery> {
        query.bind::<Nullable<Text>, _>(filter.category.map(DocumentCategory::as_str))
    }
}

#[derive(Default)]
pub struct UploadsQuery;

#[Object]
impl UploadsQuery {
    /// The files the viewer uploaded (their profile photo included), newest first.
    /// `UNAUTHENTICATED` without a token.
    async fn uploaded_documents(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only the documents of this category; omitted, all.")] category: Option<
            DocumentCategory,
        >,
        #[graphql(desc = "Return the first N items (0 to 100), after `after` if given. Default 50.")]
        first: Option<i32>,
        #[graphql(
            desc = "A cursor (an edge's `cursor` or `pageInfo.endCursor`): return the items after it."
        )]
        after: Option<String>,
        #[graphql(desc = "Return the last N items (0 to 100), before `before` if given.")] last: Option<i32>,
        #[graphql(
            desc = "A cursor (an edge's `cursor` or `pageInfo.startCursor`): return the items before it."
        )]
        before: Option<String>,
    ) -> AppResult<Conn<UploadedDocument>> {
        let args = PageArgs::new(first, after, last, before)?;
        let viewer = viewer(ctx)?;
        let page = viewer
            .loaders
            .page::<UploadedDocuments>(PageKey {
                parent: viewer.id,
                args,
                filter: DocumentFilter { category },
            })
            .await?;
        Ok(page.into_connection(|row| row.id, UploadedDocument))
    }
}

/// A document to keep.
#[derive(InputObject)]
pub struct UploadDocumentInput {
    /// The file: PDF, DOCX or plain UTF-8 text, decided from its bytes (its name and declared
    /// media type are not trusted), at most the server's `--max-document-bytes` (10 MiB by
    /// default).
    pub file: FileUpload,
    /// What the document is; `PHOTO` is refused here (`uploadProfilePhoto`).
    pub category: DocumentCategory,
}

/// What `uploadDocument` answers.
#[derive(SimpleObject)]
pub struct UploadedDocumentPayload {
    /// The document as stored, its text extracted.
    pub uploaded_document: UploadedDocument,
}

/// A new profile photo.
#[derive(InputObject)]
pub struct UploadProfilePhotoInput {
    /// The image: JPEG, PNG or WebP, decided from its bytes, at most 5 MB.
    pub file: FileUpload,
}

/// Makes a job posting of an uploaded job description.
#[derive(InputObject)]
pub struct CreateJobPostingFromDocumentInput {
    /// One of the viewer's documents with text (a `JOB_DESCRIPTION`, usually).
    pub document_id: ID,
    /// The company (1 to 200 characters); omitted, guessed from a `Company:` line of the text,
    /// else "Unknown company".
    pub company_name: Option<String>,
    /// The title (1 to 200 characters); omitted, the text's first line (cut to 200 characters).
    pub job_title: Option<String>,
}

/// Accepts skills suggested from a CV.
#[derive(InputObject)]
pub struct AcceptSuggestedSkillsInput {
    /// One of the viewer's documents.
    pub document_id: ID,
    /// Skills from its `suggestedSkills` to add to the viewer's skills (at `INTERMEDIATE`,
    /// changeable after); omitted, all of them.
    pub skill_ids: Option<Vec<ID>>,
}

/// What `acceptSuggestedSkills` answers.
#[derive(SimpleObject)]
pub struct AcceptSuggestedSkillsPayload {
    /// The document, its suggestions less those accepted.
    pub uploaded_document: UploadedDocument,
    /// The skills added to the viewer's skills.
    pub accepted_skills: Vec<Skill>,
}

/// The text's first line, cut to 200 characters, as a title.
fn guessed_title(text: &str) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .unwrap_or("Job posting");
    line.chars().take(200).collect()
}

/// A `Company: …` line's value, if the text has one.
fn guessed_company(text: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let (label, value) = line.split_once(':')?;
        let value = value.trim();
        (matches!(
            label.trim().to_lowercase().as_str(),
            "company" | "employer" | "organisation" | "organization"
        ) && !value.is_empty())
        .then(|| value.chars().take(200).collect())
    })
}

/// Catalog skills in a CV's text that the principal does not list among their skills yet.
async fn suggestions(
    conn: &mut diesel_async::AsyncPgConnection,
    who: crate::access::Principal,
    text: &str,
) -> AppResult<Vec<Uuid>> {
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;

    use crate::access::Guarded;
    use crate::db::schema::candidate_skills;

    let catalog = crate::jobs::store::extraction_catalog(conn, Some(who)).await?;
    let found = crate::jobs::extract::extract(
        &catalog,
        &crate::jobs::extract::PostingText {
            description: text,
            responsibilities: None,
            requirements: None,
            nice_to_haves: None,
        },
    );
    let held: Vec<Uuid> = candidate_skills::table
        .filter(candidate_skills::table::readable(who))
        .filter(candidate_skills::user_id.eq(who.user_id))
        .select(candidate_skills::skill_id)
        .load(conn)
        .await?;
    let mut ids: Vec<Uuid> = found.into_keys().filter(|id| !held.contains(id)).collect();
    ids.sort();
    Ok(ids)
}

#[derive(Default)]
pub struct UploadsMutation;

#[Object]
impl UploadsMutation {
    /// Keeps a document (multipart request: see the `Upload` scalar). Its type comes from its
    /// bytes: PDF, DOCX or plain text, anything else `BAD_USER_INPUT` on `file`, as is one
    /// larger than the server's limit; its text is extracted and stored, and a CV's text
    /// suggests skills (`suggestedSkills`). Nothing is stored when it fails.
    async fn upload_document(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `UploadDocumentInput`. Every field is checked before anything is written."
        )]
        input: UploadDocumentInput,
    ) -> AppResult<UploadedDocumentPayload> {
        let who = viewer(ctx)?.principal();
        if input.category == DocumentCategory::Photo {
            return Err(AppError::bad_input(
                "category",
                "a profile photo is uploaded with `uploadProfilePhoto`",
            ));
        }
        let (uploads, storage) = storage(ctx)?;
        let received = receive(
            ctx,
            &input.file,
            "file",
            uploads.max_document_bytes,
            "the document",
        )
        .await?;
        let file_type = match detect(&received.bytes) {
            Some(kind @ (FileType::Pdf | FileType::Docx | FileType::Text)) => kind,
            Some(kind) => {
                return Err(AppError::bad_input(
                    "file",
                    format!(
                        "the file is {} image; a document must be PDF, DOCX or plain text",
                        kind.as_str()
                    ),
                ));
            }
            None => {
                return Err(AppError::bad_input(
                    "file",
                    "the file is not PDF, DOCX or plain UTF-8 text",
                ));
            }
        };
        let bytes = received.bytes;
        let (text, bytes) = tokio::task::spawn_blocking(move || (extract::text_of(file_type, &bytes), bytes))
            .await
            .map_err(AppError::internal)?;
        let id = Uuid::now_v7();
        let new = NewDocument {
            id,
            user_id: who.user_id,
            original_filename: file_name(&received.filename, &format!("document.{}", file_type.as_str())),
            file_type,
            category: input.category,
            storage_key: store::storage_key(who.user_id, id),
            thumbnail_key: None,
            size_bytes: bytes.len() as i64,
            mime_type: file_type.mime_type().to_owned(),
            sha256: sha256_hex(&bytes),
            extraction_preview: text.as_deref().map(extract::preview),
            extracted_text: text,
            is_encrypted: storage.encryption().is_some(),
            encryption_method: storage.encryption().map(str::to_owned),
            suggested_skill_ids: Vec::new(),
        };
        let mut conn = services(ctx).pool.get().await?;
        let row = conn
            .transaction::<_, AppError, _>(async |conn| {
                let mut new = new;
                if new.category == DocumentCategory::Cv
                    && let Some(text) = &new.extracted_text
                {
                    new.suggested_skill_ids = suggestions(conn, who, text).await?;
                }
                let row = store::insert(conn, &new).await?;
                // Written before the row commits: a failure here rolls the row back, and a
                // crash after it leaves an object the sweep deletes.
                storage
                    .put(&row.storage_key, bytes)
                    .await
                    .map_err(AppError::internal)?;
                Ok(row)
            })
            .await?;
        Ok(UploadedDocumentPayload {
            uploaded_document: UploadedDocument(row),
        })
    }

    /// Sets the viewer's profile photo (multipart request: see the `Upload` scalar), replacing
    /// the one before. JPEG, PNG or WebP by its bytes, at most 5 MB, anything else
    /// `BAD_USER_INPUT` on `file`. It is decoded, turned upright and re-encoded, so that no
    /// metadata (EXIF, GPS position, camera) survives, and a thumbnail is made. The profile's
    /// `photoUrl` serves it.
    async fn upload_profile_photo(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's arguments: see `UploadProfilePhotoInput`.")]
        input: UploadProfilePhotoInput,
    ) -> AppResult<UploadedDocumentPayload> {
        let who = viewer(ctx)?.principal();
        let (_, storage) = storage(ctx)?;
        let received = receive(ctx, &input.file, "file", MAX_PHOTO_BYTES, "the photo").await?;
        let file_type = match detect(&received.bytes) {
            Some(kind) if kind.is_image() => kind,
            _ => {
                return Err(AppError::bad_input(
                    "file",
                    "a photo must be a JPEG, PNG or WebP image",
                ));
            }
        };
        let bytes = received.bytes;
        let processed = tokio::task::spawn_blocking(move || photo::process(&bytes, file_type))
            .await
            .map_err(AppError::internal)?
            .map_err(|message| AppError::bad_input("file", message))?;
        let id = Uuid::now_v7();
        let key = store::storage_key(who.user_id, id);
        let thumbnail_key = format!("{key}.thumbnail");
        let new = NewDocument {
            id,
            user_id: who.user_id,
            original_filename: file_name(&received.filename, &format!("photo.{}", file_type.as_str())),
            file_type,
            category: DocumentCategory::Photo,
            storage_key: key,
            thumbnail_key: Some(thumbnail_key.clone()),
            size_bytes: processed.image.len() as i64,
            mime_type: file_type.mime_type().to_owned(),
            sha256: sha256_hex(&processed.image),
            extracted_text: None,
            extraction_preview: None,
            is_encrypted: storage.encryption().is_some(),
            encryption_method: storage.encryption().map(str::to_owned),
            suggested_skill_ids: Vec::new(),
        };
        let mut conn = services(ctx).pool.get().await?;
        let (row, replaced) = conn
            .transaction::<_, AppError, _>(async |conn| {
                let replaced = store::delete_photo(conn, who).await?;
                let row = store::insert(conn, &new).await?;
                storage
                    .put(&row.storage_key, processed.image)
                    .await
                    .map_err(AppError::internal)?;
                storage
                    .put(&thumbnail_key, processed.thumbnail)
                    .await
                    .map_err(AppError::internal)?;
                Ok((row, replaced))
            })
            .await?;
        if let Some(replaced) = replaced {
            delete_objects(storage, &replaced).await;
        }
        Ok(UploadedDocumentPayload {
            uploaded_document: UploadedDocument(row),
        })
    }

    /// Deletes one of the viewer's uploads (a document or their profile photo) and its file.
    /// `NOT_FOUND` when it is not theirs.
    async fn delete_uploaded_document(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The document to delete.")] input: crate::graphql::IdInput,
    ) -> AppResult<DeletePayload> {
        let id = decode_as(&input.id, NodeType::UploadedDocument, "id")?;
        let who = viewer(ctx)?.principal();
        let (_, storage) = storage(ctx)?;
        let mut conn = services(ctx).pool.get().await?;
        let row = conn
            .transaction::<_, AppError, _>(async |conn| Ok(store::delete(conn, who, id).await?))
            .await?
            .ok_or(AppError::NotFound("UploadedDocument"))?;
        delete_objects(storage, &row).await;
        Ok(DeletePayload { deleted_id: input.id })
    }

    /// Makes a job posting of one of the viewer's documents: its text is the description, the
    /// title and company are given or guessed, and the skills are found as `createJobPosting`
    /// finds them. `NOT_FOUND` when the document is not the viewer's; `BAD_USER_INPUT` on
    /// `documentId` when it has no text.
    async fn create_job_posting_from_document(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `CreateJobPostingFromDocumentInput`. Every field is checked before anything is written."
        )]
        input: CreateJobPostingFromDocumentInput,
    ) -> AppResult<JobPostingPayload> {
        let document_id = decode_as(&input.document_id, NodeType::UploadedDocument, "documentId")?;
        let company_name = input
            .company_name
            .map(|name| validate::text_of("companyName", &name, 200))
            .transpose()?;
        let job_title = input
            .job_title
            .map(|title| validate::text_of("jobTitle", &title, 200))
            .transpose()?;
        let who = viewer(ctx)?.principal();
        let mut conn = services(ctx).pool.get().await?;
        let posting = conn
            .transaction::<_, AppError, _>(async |conn| {
                let document = store::document_of(conn, who, document_id)
                    .await?
                    .filter(|document| document.user_id == who.user_id)
                    .ok_or(AppError::NotFound("UploadedDocument"))?;
                let Some(text) = document.extracted_text else {
                    return Err(AppError::bad_input(
                        "documentId",
                        "the document has no text to make a posting of",
                    ));
                };
                let description: String = text.chars().take(50_000).collect();
                let new = NewJobPosting {
                    url: None,
                    company_name: company_name
                        .or_else(|| guessed_company(&description))
                        .unwrap_or_else(|| "Unknown company".to_owned()),
                    job_title: job_title.unwrap_or_else(|| guessed_title(&description)),
                    location: None,
                    remote_ok: false,
                    employment_type: None,
                    seniority: None,
                    salary_min: None,
                    salary_max: None,
                    salary_currency: None,
                    description,
                    responsibilities: None,
                    requirements: None,
                    nice_to_haves: None,
                };
                let posting = crate::jobs::store::insert_posting(conn, who, &new).await?;
                extract_skills(conn, who, &posting).await?;
                Ok(posting)
            })
            .await?;
        Ok(JobPostingPayload {
            job_posting: JobPosting::from(posting),
        })
    }

    /// Adds skills suggested from a CV to the viewer's skills (at `INTERMEDIATE`; a skill they
    /// already list keeps its level) and takes them off the suggestions. `NOT_FOUND` when the
    /// document is not the viewer's; `BAD_USER_INPUT` on `skillIds` for a skill it does not
    /// suggest.
    async fn accept_suggested_skills(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `AcceptSuggestedSkillsInput`. Every field is checked before anything is written."
        )]
        input: AcceptSuggestedSkillsInput,
    ) -> AppResult<AcceptSuggestedSkillsPayload> {
        use crate::skills::enums::Proficiency;
        use crate::skills::store::{CandidateSkillValues, upsert_candidate_skill};

        let document_id = decode_as(&input.document_id, NodeType::UploadedDocument, "documentId")?;
        let chosen = input
            .skill_ids
            .map(|ids| {
                ids.iter()
                    .map(|id| decode_as(id, NodeType::Skill, "skillIds"))
                    .collect::<AppResult<Vec<Uuid>>>()
            })
            .transpose()?;
        let who = viewer(ctx)?.principal();
        let mut conn = services(ctx).pool.get().await?;
        let (row, accepted) = conn
            .transaction::<_, AppError, _>(async |conn| {
                let document = store::document_of(conn, who, document_id)
                    .await?
                    .filter(|document| document.user_id == who.user_id)
                    .ok_or(AppError::NotFound("UploadedDocument"))?;
                let suggested = &document.suggested_skill_ids;
                let accepted = match chosen {
                    None => suggested.clone(),
                    Some(chosen) => {
                        if chosen.iter().any(|id| !suggested.contains(id)) {
                            return Err(AppError::bad_input(
                                "skillIds",
                                "a skill given is not suggested by this document",
                            ));
                        }
                        chosen
                    }
                };
                let held: Vec<Uuid> = {
                    use diesel::prelude::*;
                    use diesel_async::RunQueryDsl;

                    use crate::access::Guarded;
                    use crate::db::schema::candidate_skills;
                    candidate_skills::table
                        .filter(candidate_skills::table::readable(who))
                        .filter(candidate_skills::user_id.eq(who.user_id))
                        .filter(candidate_skills::skill_id.eq_any(&accepted))
                        .select(candidate_skills::skill_id)
                        .load(conn)
                        .await?
                };
                for skill_id in accepted.iter().filter(|id| !held.contains(id)) {
                    let values = CandidateSkillValues {
                        proficiency: Proficiency::Intermediate,
                        years_experience: None,
                        is_featured: false,
                    };
                    upsert_candidate_skill(conn, who, *skill_id, &values).await?;
                }
                let remaining: Vec<Uuid> = suggested
                    .iter()
                    .copied()
                    .filter(|id| !accepted.contains(id))
                    .collect();
                let row = store::set_suggested(conn, who, document.id, &remaining)
                    .await?
                    .ok_or(AppError::NotFound("UploadedDocument"))?;
                Ok((row, accepted))
            })
            .await?;
        let mut accepted_skills = Vec::with_capacity(accepted.len());
        for id in accepted {
            accepted_skills.push(load_skill(ctx, id).await?);
        }
        Ok(AcceptSuggestedSkillsPayload {
            uploaded_document: UploadedDocument(row),
            accepted_skills,
        })
    }
}
