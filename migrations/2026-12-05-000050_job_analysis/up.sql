-- Job analysis (ETPS JobProfile core_priorities, must/nice-to-have capabilities, tone_style,
-- job_type_tags, capability_clusters with their cache key and time; #21 item 2, #23 item 9):
-- one row per posting, derived from its text by fixed rules (src/jobs/analysis.rs) when the
-- posting is saved, and editable by its owner. `text_sha256` is the hash of the text it was
-- derived from: the same text is not analysed again, and a read can tell a stale row.
create table job_analyses (
  job_posting_id uuid primary key references job_postings (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  text_sha256 text not null check (text_sha256 ~ '^[0-9a-f]{64}$'),
  analyzed_at timestamptz not null default now(),
  seniority text,
  core_priorities text[] not null default '{}',
  must_have_capabilities text[] not null default '{}',
  nice_to_have_capabilities text[] not null default '{}',
  tone_style text not null check (tone_style in ('formal', 'professional', 'casual', 'energetic')),
  job_type_tags text[] not null default '{}',
  -- [{name, importance, skillIds}]: the posting's skills grouped by kind.
  capability_clusters jsonb not null default '[]',
  -- The fields the owner changed by hand: a new analysis keeps them.
  edited_fields text[] not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
-- ETPS ix_job_profiles_capability_cluster_cache_key.
create index job_analyses_text_sha256_idx on job_analyses (text_sha256);
create index job_analyses_user_idx on job_analyses (user_id);
create trigger job_analyses_set_updated_at before update on job_analyses
  for each row execute function set_updated_at();
select audit_table('job_analyses');

-- ETPS JobProfile selected_skills [{skill, match_pct, included, order}] and key_skills: the
-- owner's ordered choice of the posting's skills, and the 3-4 to stress in a cover letter.
-- The match percentage is not stored: it follows the record (computed on read).
create table job_selected_skills (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  job_posting_id uuid not null references job_postings (id) on delete cascade,
  skill_id uuid not null references skills (id) on delete cascade,
  position int not null check (position >= 0),
  included boolean not null default true,
  is_key boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (job_posting_id, skill_id),
  -- A key skill is one the cover letter uses, so it must be included.
  check (not is_key or included)
);
create index job_selected_skills_user_idx on job_selected_skills (user_id);
create trigger job_selected_skills_set_updated_at before update on job_selected_skills
  for each row execute function set_updated_at();
select audit_table('job_selected_skills');
