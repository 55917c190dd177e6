-- The career record (docs/domain.md §3). Every table carries user_id (the owner): queries filter on
-- it, access is enforced with it, and it is the distribution column should we shard.
-- Children go with their parent (on delete cascade). Enums are text with a check, mirrored by
-- GraphQL enums (src/db/text_enum.rs).

create table experiences (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  company_name text not null,
  job_title text not null,
  employment_type text not null check (employment_type in (
    'full_time', 'part_time', 'contract', 'independent_consulting', 'freelance', 'internship', 'volunteer')),
  start_date date not null,
  end_date date check (end_date >= start_date),  -- null: the candidate works there now
  location text,
  company_description text,
  summary text,
  sort_order integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Lets children reference (id, user_id) so that a child can never point at another user's parent.
  unique (id, user_id)
);
create index experiences_user_order_idx on experiences (user_id, sort_order, start_date desc);
create trigger experiences_set_updated_at before update on experiences
  for each row execute function set_updated_at();

-- One shared catalog (Assist-Ten Skill). normalized_name is the lower-cased name with runs of
-- white space folded, so "Rust", " rust " and "RUST" are one skill. Aliases are stored
-- normalised the same way.
create table skills (
  id uuid primary key,
  name text not null check (length(name) between 1 and 100),
  normalized_name text not null unique,
  category text not null check (category in (
    'language', 'framework', 'library', 'tool', 'platform', 'database', 'cloud', 'domain', 'soft', 'other')),
  aliases text[] not null default '{}',
  -- Who added it, for skills users added; null for the seeded catalog.
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index skills_normalized_prefix_idx on skills (normalized_name text_pattern_ops);
create index skills_aliases_idx on skills using gin (aliases);
create index skills_created_by_idx on skills (created_by);
create trigger skills_set_updated_at before update on skills
  for each row execute function set_updated_at();

create table experience_skills (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  experience_id uuid not null,
  skill_id uuid not null references skills (id) on delete cascade,
  proficiency_demonstrated text check (proficiency_demonstrated in ('beginner', 'intermediate', 'advanced', 'expert')),
  prominence text not null default 'secondary' check (prominence in ('primary', 'secondary', 'mentioned')),
  usage_notes text,
  extraction_method text not null default 'manual' check (extraction_method in ('manual', 'extracted')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  foreign key (experience_id, user_id) references experiences (id, user_id) on delete cascade,
  unique (experience_id, skill_id)
);
create index experience_skills_user_idx on experience_skills (user_id);
create index experience_skills_skill_idx on experience_skills (skill_id);
create trigger experience_skills_set_updated_at before update on experience_skills
  for each row execute function set_updated_at();

-- Client engagements inside an independent_consulting experience (ETPS). The rule that the
-- parent is a consulting experience is enforced by the server, which can name the problem.
create table engagements (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  experience_id uuid not null,
  client text,
  project_name text,
  project_type text check (project_type in ('advisory', 'product_build', 'implementation')),
  date_range_label text,
  domain_tags text[] not null default '{}',
  tech_tags text[] not null default '{}',
  sort_order integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  foreign key (experience_id, user_id) references experiences (id, user_id) on delete cascade,
  unique (id, user_id)
);
create index engagements_experience_idx on engagements (experience_id, sort_order);
create index engagements_user_idx on engagements (user_id);
create trigger engagements_set_updated_at before update on engagements
  for each row execute function set_updated_at();

-- Projects belong to an experience, or to nobody (personal projects).
create table projects (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  experience_id uuid,
  name text not null,
  description text,
  role text,
  category text,
  impact_metric text,
  github_url text,
  live_url text,
  start_date date,
  end_date date check (end_date >= start_date),
  sort_order integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  foreign key (experience_id, user_id) references experiences (id, user_id) on delete cascade
);
create index projects_experience_idx on projects (experience_id, sort_order);
create index projects_user_idx on projects (user_id, sort_order);
create trigger projects_set_updated_at before update on projects
  for each row execute function set_updated_at();

-- A project's tech stack.
create table project_skills (
  project_id uuid not null references projects (id) on delete cascade,
  skill_id uuid not null references skills (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (project_id, skill_id)
);
create index project_skills_skill_idx on project_skills (skill_id);
create index project_skills_user_idx on project_skills (user_id);

create table star_stories (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  experience_id uuid not null,
  title text,
  situation text not null,
  task text not null,
  action text not null,
  result text not null,
  tags text[] not null default '{}' check (tags <@ array[
    'leadership', 'delivery', 'ownership', 'collaboration', 'conflict',
    'innovation', 'customer', 'failure', 'mentoring', 'communication']::text[]),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  foreign key (experience_id, user_id) references experiences (id, user_id) on delete cascade
);
create index star_stories_experience_idx on star_stories (experience_id);
create index star_stories_user_idx on star_stories (user_id);
create trigger star_stories_set_updated_at before update on star_stories
  for each row execute function set_updated_at();

create table bullets (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  experience_id uuid not null,
  engagement_id uuid,
  text text not null,
  tags text[] not null default '{}',
  bullet_type text check (bullet_type in ('achievement', 'responsibility', 'metric_impact')),
  seniority_level text,
  importance text check (importance in ('high', 'medium', 'low')),
  star_notes text,
  usage_count integer not null default 0 check (usage_count >= 0),
  last_used_at timestamptz,
  retired boolean not null default false,  -- soft delete: hidden unless asked for
  sort_order integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  foreign key (experience_id, user_id) references experiences (id, user_id) on delete cascade,
  foreign key (engagement_id, user_id) references engagements (id, user_id) on delete cascade
);
create index bullets_experience_idx on bullets (experience_id, sort_order);
create index bullets_engagement_idx on bullets (engagement_id);
create index bullets_user_idx on bullets (user_id);
create trigger bullets_set_updated_at before update on bullets
  for each row execute function set_updated_at();

-- Every earlier text of a bullet, kept when its text is edited.
create table bullet_versions (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  bullet_id uuid not null references bullets (id) on delete cascade,
  text text not null,
  created_at timestamptz not null default now()
);
create index bullet_versions_bullet_idx on bullet_versions (bullet_id, created_at);
create index bullet_versions_user_idx on bullet_versions (user_id);

create table education (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  institution_name text not null,
  degree text,
  field_of_study text,
  minor text,
  gpa double precision check (gpa between 0 and 10),
  location text,
  start_date date,
  end_date date check (end_date >= start_date),
  is_current boolean not null default false,
  details text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index education_user_idx on education (user_id, start_date desc);
create trigger education_set_updated_at before update on education
  for each row execute function set_updated_at();

create table candidate_skills (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  skill_id uuid not null references skills (id) on delete cascade,
  proficiency text not null default 'intermediate' check (proficiency in ('beginner', 'intermediate', 'advanced', 'expert')),
  years_experience integer check (years_experience between 0 and 80),
  is_featured boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (user_id, skill_id)
);
create index candidate_skills_skill_idx on candidate_skills (skill_id);
create trigger candidate_skills_set_updated_at before update on candidate_skills
  for each row execute function set_updated_at();

create table strengths (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  name text not null,
  description text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index strengths_user_idx on strengths (user_id);
create trigger strengths_set_updated_at before update on strengths
  for each row execute function set_updated_at();
