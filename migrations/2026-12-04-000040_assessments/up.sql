-- Assessments (docs/domain.md §7, issue #17 items 1-4): an organisation's question bank and
-- job descriptions, its timed multiple-choice assessments, single-use invitations to take
-- them, and the test sessions a candidate opens with one. Every table carries
-- organization_id, the tenant key the access policy decides from (src/access/mod.rs).

create table job_descriptions (
  id uuid primary key,
  organization_id uuid not null references organizations (id) on delete cascade,
  title text not null check (char_length(title) between 1 and 200),
  description text not null default '',
  extracted_text text,
  -- The uploaded file it was read from. Uploads do not exist yet: a plain reference, no key.
  file_id uuid,
  uploaded_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, organization_id)
);
create index job_descriptions_org_idx on job_descriptions (organization_id, created_at desc);
create trigger job_descriptions_set_updated_at before update on job_descriptions
  for each row execute function set_updated_at();

create table question_sets (
  id uuid primary key,
  organization_id uuid not null references organizations (id) on delete cascade,
  skill text not null check (char_length(skill) between 1 and 100),
  level text not null check (level in ('beginner', 'intermediate', 'expert')),
  total_questions integer not null default 0 check (total_questions >= 0),
  generation_model text,
  source text,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, organization_id)
);
create index question_sets_org_idx on question_sets (organization_id, created_at desc);
create trigger question_sets_set_updated_at before update on question_sets
  for each row execute function set_updated_at();

-- A question belongs to a question set or to a job description, never both, never neither.
create table questions (
  id uuid primary key,
  organization_id uuid not null,
  question_set_id uuid,
  job_description_id uuid,
  position integer not null default 0,
  text text not null check (char_length(text) between 1 and 5000),
  options text[] not null check (cardinality(options) between 2 and 8),
  correct_option integer not null check (correct_option >= 0 and correct_option < cardinality(options)),
  difficulty text check (difficulty in ('easy', 'medium', 'hard')),
  topic text,
  source text,
  created_at timestamptz not null default now(),
  constraint questions_one_parent check ((question_set_id is null) <> (job_description_id is null)),
  foreign key (question_set_id, organization_id) references question_sets (id, organization_id) on delete cascade,
  foreign key (job_description_id, organization_id) references job_descriptions (id, organization_id) on delete cascade
);
create index questions_set_idx on questions (question_set_id, position) where question_set_id is not null;
create index questions_jd_idx on questions (job_description_id, position) where job_description_id is not null;

create table assessments (
  id uuid primary key,
  organization_id uuid not null references organizations (id) on delete cascade,
  title text not null check (char_length(title) between 1 and 200),
  description text not null default '',
  job_title text,
  job_description_id uuid,
  required_skills text[] not null default '{}',
  -- Catalog roles (catalog_roles.id), checked when written.
  required_role_ids uuid[] not null default '{}',
  question_set_id uuid,
  method text,
  duration_minutes integer not null check (duration_minutes between 1 and 600),
  is_questionnaire_enabled boolean not null default true,
  is_interview_enabled boolean not null default false,
  is_active boolean not null default true,
  is_published boolean not null default false,
  expires_at timestamptz,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  foreign key (job_description_id, organization_id) references job_descriptions (id, organization_id),
  foreign key (question_set_id, organization_id) references question_sets (id, organization_id),
  unique (id, organization_id)
);
create index assessments_org_idx on assessments (organization_id, created_at desc);
create trigger assessments_set_updated_at before update on assessments
  for each row execute function set_updated_at();

-- Single-use invitations to take an assessment: only the token's SHA-256 is stored.
create table assessment_invitations (
  id uuid primary key,
  organization_id uuid not null,
  assessment_id uuid not null,
  email text not null,
  token_hash bytea not null unique,
  invited_by uuid references users (id) on delete set null,
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now(),
  foreign key (assessment_id, organization_id) references assessments (id, organization_id) on delete cascade
);
create index assessment_invitations_assessment_idx on assessment_invitations (assessment_id, created_at desc);

create table assessment_applications (
  id uuid primary key,
  organization_id uuid not null,
  assessment_id uuid not null,
  candidate_id uuid not null,
  -- The careergraph user who was signed in when they started, if any.
  user_id uuid references users (id) on delete set null,
  invitation_id uuid references assessment_invitations (id) on delete set null,
  status text not null default 'pending'
    check (status in ('pending', 'in_progress', 'completed', 'shortlisted', 'rejected')),
  applied_at timestamptz not null default now(),
  started_at timestamptz,
  completed_at timestamptz,
  availability_percentage integer check (availability_percentage between 0 and 100),
  submitted_skills text[] not null default '{}',
  role_applied_for text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  foreign key (assessment_id, organization_id) references assessments (id, organization_id) on delete cascade,
  foreign key (candidate_id, organization_id) references candidates (id, organization_id) on delete cascade,
  unique (candidate_id, assessment_id),
  unique (id, organization_id)
);
create index assessment_applications_assessment_idx on assessment_applications (assessment_id, created_at);
create index assessment_applications_user_idx on assessment_applications (user_id);
create trigger assessment_applications_set_updated_at before update on assessment_applications
  for each row execute function set_updated_at();

-- One timed sitting. The taker addresses it with a secret returned once by startAssessment;
-- only its SHA-256 is kept. deadline_at is the server's clock: answers after it are refused.
create table test_sessions (
  id uuid primary key,
  organization_id uuid not null,
  application_id uuid not null unique,
  secret_hash bytea not null unique,
  started_at timestamptz not null default now(),
  deadline_at timestamptz not null,
  completed_at timestamptz,
  total_questions integer not null default 0 check (total_questions >= 0),
  correct_answers integer check (correct_answers between 0 and total_questions),
  score_percentage double precision check (score_percentage between 0 and 100),
  is_scored boolean not null default false,
  score_released_at timestamptz,
  created_at timestamptz not null default now(),
  check (deadline_at > started_at),
  check (not is_scored or (completed_at is not null and correct_answers is not null)),
  check (score_released_at is null or is_scored),
  foreign key (application_id, organization_id) references assessment_applications (id, organization_id) on delete cascade,
  unique (id, organization_id)
);

-- One answer per question per session: the unique pair is what makes a second (or a
-- concurrent double) answer a conflict.
create table test_answers (
  id uuid primary key,
  organization_id uuid not null,
  session_id uuid not null,
  question_id uuid not null references questions (id) on delete cascade,
  selected_option integer not null check (selected_option >= 0),
  is_correct boolean not null,
  time_taken_seconds integer not null check (time_taken_seconds >= 0),
  answered_at timestamptz not null default now(),
  foreign key (session_id, organization_id) references test_sessions (id, organization_id) on delete cascade,
  unique (session_id, question_id)
);
