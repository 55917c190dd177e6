-- Approved outputs and critic logs (docs/domain.md "Approved outputs and critic logs"; ETPS
-- ApprovedOutput and CriticLog): the generated texts a user approved, kept to learn from, and
-- the critic's verdict on each iteration of a generation session. Both belong to their user.
create table approved_outputs (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  -- The application and posting it was written for; they may be deleted while it stays.
  application_id uuid references applications (id) on delete set null,
  job_posting_id uuid references job_postings (id) on delete set null,
  output_type text not null check (output_type in (
    'resume_bullet', 'cover_letter_paragraph', 'professional_summary', 'full_resume',
    'full_cover_letter')),
  original_text text not null check (char_length(original_text) between 1 and 50000),
  -- ETPS context_metadata: how it was generated (a JSON object the client chooses).
  context_metadata jsonb check (jsonb_typeof(context_metadata) = 'object'),
  quality_score double precision check (quality_score between 0 and 1),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
-- ETPS ix_approved_outputs_user_type and ix_approved_outputs_quality, as the list reads them.
create index approved_outputs_user_type_idx on approved_outputs (user_id, output_type, created_at desc, id desc);
create index approved_outputs_user_idx on approved_outputs (user_id, created_at desc, id desc);
create index approved_outputs_quality_idx on approved_outputs (user_id, quality_score);
create index approved_outputs_application_idx on approved_outputs (application_id);
create index approved_outputs_posting_idx on approved_outputs (job_posting_id);
create trigger approved_outputs_set_updated_at before update on approved_outputs
  for each row execute function set_updated_at();

create table critic_logs (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  -- ETPS session_id: the generation session whose iterations it groups.
  session_id uuid not null,
  iteration integer not null check (iteration between 1 and 1000),
  quality_score double precision not null check (quality_score between 0 and 1),
  passed boolean not null,
  -- ETPS issues: what the critic found, as a JSON array of short texts.
  issues text[] not null default '{}' check (cardinality(issues) <= 100),
  created_at timestamptz not null default now(),
  unique (user_id, session_id, iteration)
);
-- ETPS ix_critic_logs_quality.
create index critic_logs_quality_idx on critic_logs (user_id, quality_score);
