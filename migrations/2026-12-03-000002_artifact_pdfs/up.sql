-- An artifact's PDF, rendered on its first download and kept: an artifact row is one version
-- and never changes, so its PDF is what was sent, and later downloads cost a read, not a
-- render (rendering 100,000 characters costs tens of milliseconds of CPU per download).
create table artifact_pdfs (
    artifact_id uuid primary key references artifacts (id) on delete cascade,
    -- The artifact's owner, copied from it, for the access policy's owner rule.
    user_id uuid not null references users (id) on delete cascade,
    pdf bytea not null,
    rendered_at timestamptz not null default now()
);
