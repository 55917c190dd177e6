-- The hiring side, part two (docs/domain.md §6): an organisation's candidates, their
-- candidacies for requisitions with the stage history, and the consent that shares a
-- careergraph user's career record with an organisation.

create table candidates (
  id uuid primary key,
  organization_id uuid not null references organizations (id) on delete cascade,
  -- The careergraph user who applied; null for a person a recruiter added by hand.
  user_id uuid references users (id) on delete set null,
  full_name text not null check (char_length(full_name) between 1 and 200),
  email text not null,
  phone text,
  -- Assist-Ten `current_role` (a reserved word in SQL).
  current_position text,
  location text,
  education text,
  linkedin_url text,
  github_url text,
  portfolio_url text,
  experience_level text,
  experience_years integer check (experience_years between 0 and 70),
  skills text[] not null default '{}',
  availability_percentage integer check (availability_percentage between 0 and 100),
  added_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (organization_id, email),
  unique (organization_id, user_id),
  unique (id, organization_id)
);
create index candidates_email_idx on candidates (email);
create index candidates_user_idx on candidates (user_id);
create trigger candidates_set_updated_at before update on candidates
  for each row execute function set_updated_at();

create table candidacies (
  id uuid primary key,
  organization_id uuid not null,
  candidate_id uuid not null,
  requisition_id uuid not null,
  stage text not null default 'applied' check (stage in (
    'applied', 'screening', 'assessment', 'interviewing', 'offer', 'hired', 'rejected', 'withdrawn')),
  cover_note text,
  -- What the candidate's record held when they applied: the organisation keeps it after
  -- consent is revoked.
  submitted_record jsonb,
  -- The candidate's own application that mirrors this candidacy (theirs, not the organisation's).
  application_id uuid references applications (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  foreign key (candidate_id, organization_id) references candidates (id, organization_id) on delete cascade,
  foreign key (requisition_id, organization_id) references requisitions (id, organization_id) on delete cascade,
  unique (candidate_id, requisition_id),
  unique (id, organization_id)
);
create index candidacies_requisition_idx on candidacies (requisition_id, created_at);
create index candidacies_application_idx on candidacies (application_id);
create trigger candidacies_set_updated_at before update on candidacies
  for each row execute function set_updated_at();

create table candidacy_events (
  id uuid primary key,
  seq bigserial not null unique,
  organization_id uuid not null,
  candidacy_id uuid not null,
  -- The member who moved it; null when the candidate did (applying, withdrawing).
  actor_member_id uuid references organization_members (id) on delete set null,
  from_stage text,
  to_stage text not null,
  note text,
  created_at timestamptz not null default now(),
  foreign key (candidacy_id, organization_id) references candidacies (id, organization_id) on delete cascade
);
create index candidacy_events_candidacy_idx on candidacy_events (candidacy_id, seq);

-- A user's consent to an organisation reading their career record; revoking sets revoked_at
-- (and applying again grants it anew).
create table record_shares (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  organization_id uuid not null references organizations (id) on delete cascade,
  granted_at timestamptz not null default now(),
  revoked_at timestamptz,
  unique (user_id, organization_id)
);
create index record_shares_org_idx on record_shares (organization_id) where revoked_at is null;

-- Who may read whose career record through consent: the admins and recruiters of an
-- organisation the owner shares it with, and the hiring manager of a requisition the owner
-- is a candidate for there. The access policy (src/access/mod.rs) reads it for every table
-- of the record; the owner's own rows never need it.
create view record_readers as
  select m.user_id as reader_id, s.user_id as owner_id
  from record_shares s
  join organization_members m on m.organization_id = s.organization_id
  where s.revoked_at is null and m.role in ('admin', 'recruiter')
  union
  select r.hiring_manager_id, s.user_id
  from record_shares s
  join candidates c on c.organization_id = s.organization_id and c.user_id = s.user_id
  join candidacies cy on cy.candidate_id = c.id
  join requisitions r on r.id = cy.requisition_id
  join organization_members m on m.organization_id = r.organization_id and m.user_id = r.hiring_manager_id
  where s.revoked_at is null;
