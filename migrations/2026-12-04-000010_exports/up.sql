-- Export jobs: work the server does in the background, recorded in a table so that it
-- survives restarts and every server copy can take a share. `kind` says what the job makes
-- ('resume' today; the privacy issue's data export reuses the same runner with a kind of its
-- own), `parameters` what that kind needs. The file itself lives in the object store under
-- `object_key`, not in PostgreSQL.
create table export_jobs (
    id uuid primary key,
    user_id uuid not null references users (id) on delete cascade,
    kind text not null check (kind in ('resume')),
    -- The resume a 'resume' job exports; the job goes with it.
    resume_id uuid references resumes (id) on delete cascade,
    format text not null check (format in ('pdf', 'docx', 'json_resume', 'markdown', 'plain_text')),
    template text,
    parameters jsonb not null default '{}',
    status text not null default 'queued' check (status in ('queued', 'running', 'done', 'failed')),
    progress integer not null default 0 check (progress between 0 and 100),
    attempts integer not null default 0,
    -- While a copy works on the job it holds this lease and renews it; a job whose lease ran
    -- out (its server was killed) is taken again by any copy.
    lease_until timestamptz,
    error text,
    object_key text,
    file_name text,
    content_type text,
    size_bytes bigint,
    created_at timestamptz not null default now(),
    started_at timestamptz,
    finished_at timestamptz,
    expires_at timestamptz,
    downloaded_at timestamptz,
    -- When the server deleted the expired file.
    purged_at timestamptz
);

create index export_jobs_user on export_jobs (user_id, created_at desc);
create index export_jobs_pending on export_jobs (created_at) where status in ('queued', 'running');
create index export_jobs_expiring on export_jobs (expires_at) where object_key is not null and purged_at is null;
