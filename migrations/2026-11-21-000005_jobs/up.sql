-- Jobs and matching (docs/domain.md §4).

-- Skills that are also everyday words ("Search", "Growth", "Payments") are too often found
-- where no skill is meant; they can be linked by hand but are not extracted from job texts.
alter table skills add column auto_extract boolean not null default true;
update skills set auto_extract = false where name in (
  'Search', 'Growth', 'Strategy', 'Caching', 'Payments', 'Hiring', 'Budgeting', 'Ownership',
  'Creativity', 'Empathy', 'Adaptability', 'Consulting', 'Compliance', 'Make', 'Excel',
  'Segment', 'Notion', 'Sketch', 'Flux', 'Echo', 'Gin', 'Rocket', 'Relay', 'Ray', 'Chef',
  'Puppet', 'Vault', 'Consul', 'Unity', 'Phoenix', 'Remix', 'Astro', 'Crystal', 'Scheme', 'Elm');

create table job_postings (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  url text,
  company_name text not null,
  job_title text not null,
  location text,
  remote_ok boolean not null default false,
  employment_type text check (employment_type in (
    'full_time', 'part_time', 'contract', 'independent_consulting', 'freelance', 'internship', 'volunteer')),
  seniority text,
  salary_min integer check (salary_min >= 0),
  salary_max integer check (salary_max >= salary_min),
  salary_currency text check (salary_currency ~ '^[A-Z]{3}$'),
  description text not null default '',
  responsibilities text,
  requirements text,
  nice_to_haves text,
  search tsvector generated always as (to_tsvector('english',
    job_title || ' ' || company_name || ' ' || description)) stored,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, user_id)
);
create index job_postings_user_idx on job_postings (user_id, created_at desc);
create index job_postings_search_idx on job_postings using gin (search);
create trigger job_postings_set_updated_at before update on job_postings
  for each row execute function set_updated_at();

-- The skills a posting asks for. Extracted rows are replaced whenever the posting's text
-- changes; manual rows (added, re-ranked or removed by the candidate) never are. A removed
-- skill stays as a manual row with excluded = true, so extraction does not bring it back.
create table job_posting_skills (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  job_posting_id uuid not null,
  skill_id uuid not null references skills (id) on delete cascade,
  importance text not null check (importance in ('must_have', 'nice_to_have')),
  source text not null check (source in ('extracted', 'manual')),
  excluded boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  foreign key (job_posting_id, user_id) references job_postings (id, user_id) on delete cascade,
  unique (job_posting_id, skill_id)
);
create index job_posting_skills_user_idx on job_posting_skills (user_id);
create index job_posting_skills_skill_idx on job_posting_skills (skill_id);
create trigger job_posting_skills_set_updated_at before update on job_posting_skills
  for each row execute function set_updated_at();

-- Matches the candidate set by hand. Computed matches are computed when read (never stale)
-- and not stored; a manual row overrides the computed relevance and is never recomputed.
create table job_experience_matches (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  job_posting_id uuid not null,
  experience_id uuid not null,
  relevance text not null check (relevance in ('high', 'medium', 'low')),
  relevance_notes text,
  creation_source text not null default 'manual' check (creation_source in ('computed', 'manual')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  foreign key (job_posting_id, user_id) references job_postings (id, user_id) on delete cascade,
  foreign key (experience_id, user_id) references experiences (id, user_id) on delete cascade,
  unique (job_posting_id, experience_id)
);
create index job_experience_matches_user_idx on job_experience_matches (user_id);
create index job_experience_matches_experience_idx on job_experience_matches (experience_id);
create trigger job_experience_matches_set_updated_at before update on job_experience_matches
  for each row execute function set_updated_at();
