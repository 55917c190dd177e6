-- Resumes composed from the record (docs/domain.md §7; Letraz resumes / resume_section, ETPS
-- tailored resume JSON). A resume's items reference the user's records instead of copying them,
-- so editing a bullet once changes every resume that shows it; a snapshot freezes the resolved
-- text when a resume is sent. Every table carries user_id and names its parent together with
-- it, so nothing can hang under another user's row.

-- The records an item may reference name their owner with their id (experiences, bullets and
-- projects already do).
alter table star_stories add constraint star_stories_id_user_id_key unique (id, user_id);
alter table education add constraint education_id_user_id_key unique (id, user_id);
alter table candidate_skills add constraint candidate_skills_id_user_id_key unique (id, user_id);
alter table strengths add constraint strengths_id_user_id_key unique (id, user_id);

create table resumes (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  name text not null check (length(name) between 1 and 200),
  -- A base resume is the general one that tailored resumes start from.
  is_base boolean not null default false,
  -- The posting it was made for and the application it was sent with; the owner is checked by
  -- the server (a composite key would null user_id on delete).
  job_posting_id uuid references job_postings (id) on delete set null,
  application_id uuid references applications (id) on delete set null,
  -- The template's name; null: the default.
  template text,
  -- Personal details shown on this resume instead of the profile's; null: the profile's.
  full_name text,
  email text,
  phone text,
  location text,
  headline text,
  linkedin_url text,
  github_url text,
  portfolio_url text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, user_id)
);
create index resumes_user_idx on resumes (user_id, updated_at desc);
create index resumes_job_posting_idx on resumes (job_posting_id);
create index resumes_application_idx on resumes (application_id);
create trigger resumes_set_updated_at before update on resumes
  for each row execute function set_updated_at();

create table resume_sections (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  resume_id uuid not null,
  section_type text not null check (section_type in (
    'summary', 'experience', 'education', 'project', 'skill', 'strength', 'custom')),
  title text not null check (length(title) between 1 and 200),
  -- Free text: a SUMMARY's own text (null: the profile's summary), a CUSTOM section's body.
  content text,
  position integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  foreign key (resume_id, user_id) references resumes (id, user_id) on delete cascade,
  unique (id, user_id)
);
create index resume_sections_resume_idx on resume_sections (resume_id, position);
create index resume_sections_user_idx on resume_sections (user_id);
create trigger resume_sections_set_updated_at before update on resume_sections
  for each row execute function set_updated_at();

-- One item references exactly one record, through a typed column with its own foreign key, so
-- deleting the record deletes the item. `kind` names the column in use. An item under an
-- experience item (a bullet, project or STAR story chosen for it) names that item as parent.
create table resume_items (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  section_id uuid not null,
  parent_item_id uuid references resume_items (id) on delete cascade,
  kind text not null check (kind in (
    'experience', 'bullet', 'project', 'star_story', 'education', 'candidate_skill', 'strength')),
  experience_id uuid,
  bullet_id uuid,
  project_id uuid,
  star_story_id uuid,
  education_id uuid,
  candidate_skill_id uuid,
  strength_id uuid,
  hidden boolean not null default false,
  position integer not null default 0,
  -- This resume's wording, kept beside the record's text (which it never replaces).
  override_text text check (length(override_text) between 1 and 5000),
  -- Why tailoring chose the item (null for items added by hand).
  reason text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  foreign key (section_id, user_id) references resume_sections (id, user_id) on delete cascade,
  foreign key (experience_id, user_id) references experiences (id, user_id) on delete cascade,
  foreign key (bullet_id, user_id) references bullets (id, user_id) on delete cascade,
  foreign key (project_id, user_id) references projects (id, user_id) on delete cascade,
  foreign key (star_story_id, user_id) references star_stories (id, user_id) on delete cascade,
  foreign key (education_id, user_id) references education (id, user_id) on delete cascade,
  foreign key (candidate_skill_id, user_id) references candidate_skills (id, user_id) on delete cascade,
  foreign key (strength_id, user_id) references strengths (id, user_id) on delete cascade,
  constraint resume_items_one_record check (
    num_nonnulls(experience_id, bullet_id, project_id, star_story_id, education_id,
                 candidate_skill_id, strength_id) = 1
    and (kind = 'experience') = (experience_id is not null)
    and (kind = 'bullet') = (bullet_id is not null)
    and (kind = 'project') = (project_id is not null)
    and (kind = 'star_story') = (star_story_id is not null)
    and (kind = 'education') = (education_id is not null)
    and (kind = 'candidate_skill') = (candidate_skill_id is not null)
    and (kind = 'strength') = (strength_id is not null))
);
create index resume_items_section_idx on resume_items (section_id, position);
create index resume_items_parent_idx on resume_items (parent_item_id);
create index resume_items_user_idx on resume_items (user_id);
create index resume_items_experience_idx on resume_items (experience_id);
create index resume_items_bullet_idx on resume_items (bullet_id);
create index resume_items_project_idx on resume_items (project_id);
create index resume_items_star_story_idx on resume_items (star_story_id);
create index resume_items_education_idx on resume_items (education_id);
create index resume_items_candidate_skill_idx on resume_items (candidate_skill_id);
create index resume_items_strength_idx on resume_items (strength_id);
create trigger resume_items_set_updated_at before update on resume_items
  for each row execute function set_updated_at();

-- What a resume said at one moment: the resolved sections and items as a JSON document. It
-- outlives its resume and its application (their ids are then cleared), and nothing else about
-- it ever changes.
create table resume_snapshots (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  resume_id uuid references resumes (id) on delete set null,
  application_id uuid references applications (id) on delete set null,
  name text not null,
  document jsonb not null,
  created_at timestamptz not null default now()
);
create index resume_snapshots_resume_idx on resume_snapshots (resume_id, created_at desc);
create index resume_snapshots_application_idx on resume_snapshots (application_id);
create index resume_snapshots_user_idx on resume_snapshots (user_id, created_at desc);

-- The only change a snapshot accepts is losing its resume or application when they are
-- deleted (the foreign keys' `set null`).
create function resume_snapshots_immutable() returns trigger language plpgsql as $$
begin
  if new.id is distinct from old.id
     or new.user_id is distinct from old.user_id
     or new.name is distinct from old.name
     or new.document is distinct from old.document
     or new.created_at is distinct from old.created_at
     or (new.resume_id is distinct from old.resume_id and new.resume_id is not null)
     or (new.application_id is distinct from old.application_id and new.application_id is not null) then
    raise exception 'a resume snapshot cannot change'
      using errcode = 'check_violation', constraint = 'resume_snapshots_immutable';
  end if;
  return new;
end
$$;
create trigger resume_snapshots_immutable before update on resume_snapshots
  for each row execute function resume_snapshots_immutable();
