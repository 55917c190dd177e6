-- Uploaded files (Assist-Ten UploadedDocument): CVs, job descriptions, portfolios and profile
-- photos. The bytes live in the object store under `storage_key` (and a photo's thumbnail
-- under `thumbnail_key`), never in PostgreSQL; this row is what points at them, so an object
-- that no row names is an orphan the sweep deletes.
create table uploaded_documents (
    id uuid primary key,
    -- The uploader, who owns the row.
    user_id uuid not null references users (id) on delete cascade,
    -- An organisation's upload (read by its hiring team); null for a person's own file.
    organization_id uuid references organizations (id) on delete cascade,
    -- The pipeline candidate an organisation's upload is about.
    candidate_id uuid references candidates (id) on delete set null,
    original_filename text not null check (length(original_filename) between 1 and 255),
    -- Decided from the bytes, never from the name or the client's media type.
    file_type text not null check (file_type in ('pdf', 'docx', 'text', 'jpeg', 'png', 'webp')),
    category text not null check (category in ('cv', 'job_description', 'portfolio', 'photo', 'other')),
    storage_key text not null unique,
    thumbnail_key text unique,
    size_bytes bigint not null check (size_bytes >= 0),
    mime_type text not null,
    sha256 text not null,
    extracted_text text,
    extraction_preview text,
    -- Whether the object store encrypts the object at rest, and how ('AES256', 'aws:kms').
    is_encrypted boolean not null default false,
    encryption_method text,
    -- Skills found in a CV's text that the owner has not accepted yet (skill ids).
    suggested_skill_ids uuid[] not null default '{}',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

create index uploaded_documents_user on uploaded_documents (user_id, created_at desc);
create index uploaded_documents_organization on uploaded_documents (organization_id)
    where organization_id is not null;
-- One profile photo per person: a new one replaces the old.
create unique index uploaded_documents_one_photo on uploaded_documents (user_id)
    where category = 'photo';

select audit_table('uploaded_documents', array['extracted_text', 'extraction_preview']);
