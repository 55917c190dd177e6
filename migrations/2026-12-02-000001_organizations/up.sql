-- The hiring side, part one (docs/domain.md §6): organisations, their members and invitations,
-- the platform's role catalog, and requisitions. Every hiring table carries organization_id,
-- its tenant key: the access policy (src/access/mod.rs) decides from it and from the member's
-- role which rows a principal sees.

create table organizations (
  id uuid primary key,
  name text not null check (char_length(name) between 1 and 200),
  slug text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and char_length(slug) <= 64),
  website text,
  industry text,
  size_band text,
  headquarters text,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create trigger organizations_set_updated_at before update on organizations
  for each row execute function set_updated_at();

create table organization_members (
  id uuid primary key,
  organization_id uuid not null references organizations (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  role text not null check (role in ('admin', 'recruiter', 'interviewer')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (organization_id, user_id)
);
-- The access policy asks "is the principal a member, with which role" for every hiring row.
create index organization_members_user_idx on organization_members (user_id, organization_id, role);
create trigger organization_members_set_updated_at before update on organization_members
  for each row execute function set_updated_at();

-- An organisation keeps at least one admin: the last one can neither leave, be removed nor
-- lose the role. A trigger (not the server) holds it, so two admins leaving at once cannot
-- both succeed: the organisation's row is locked first, which serialises them.
create function organization_keeps_an_admin() returns trigger language plpgsql as $$
declare
  org uuid := old.organization_id;
begin
  if old.role <> 'admin' or (tg_op = 'UPDATE' and new.role = 'admin') then
    return coalesce(new, old);
  end if;
  -- The whole organisation is being deleted (cascade): nothing to keep.
  perform 1 from organizations where id = org for update;
  if not found then
    return coalesce(new, old);
  end if;
  if not exists (select 1 from organization_members
                 where organization_id = org and role = 'admin' and id <> old.id) then
    raise exception 'an organisation keeps at least one admin'
      using errcode = 'check_violation', constraint = 'organization_members_last_admin';
  end if;
  return coalesce(new, old);
end
$$;
create trigger organization_members_last_admin before update of role or delete on organization_members
  for each row execute function organization_keeps_an_admin();

-- Single-use invitations: only the token's SHA-256 is stored.
create table organization_invitations (
  id uuid primary key,
  organization_id uuid not null references organizations (id) on delete cascade,
  email text not null,
  role text not null check (role in ('admin', 'recruiter', 'interviewer')),
  token_hash bytea not null unique,
  invited_by uuid references users (id) on delete set null,
  expires_at timestamptz not null,
  accepted_at timestamptz,
  accepted_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now()
);
create index organization_invitations_org_idx on organization_invitations (organization_id, created_at desc);

-- The platform's role catalog (Assist-Ten Role), curated by platform admins like the skill
-- catalog.
create table catalog_roles (
  id uuid primary key,
  name text not null check (char_length(name) between 1 and 200),
  description text,
  department text,
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index catalog_roles_name_idx on catalog_roles (lower(name));
create trigger catalog_roles_set_updated_at before update on catalog_roles
  for each row execute function set_updated_at();

create table catalog_role_skills (
  role_id uuid not null references catalog_roles (id) on delete cascade,
  skill_id uuid not null references skills (id) on delete cascade,
  primary key (role_id, skill_id)
);

create table requisitions (
  id uuid primary key,
  organization_id uuid not null references organizations (id) on delete cascade,
  title text not null check (char_length(title) between 1 and 200),
  description text not null default '',
  department text,
  location text,
  remote_ok boolean not null default false,
  employment_type text check (employment_type in (
    'full_time', 'part_time', 'contract', 'independent_consulting', 'freelance', 'internship', 'volunteer')),
  experience_level text,
  min_experience_years integer check (min_experience_years between 0 and 70),
  max_experience_years integer check (max_experience_years between 0 and 70
    and max_experience_years >= min_experience_years),
  min_salary integer check (min_salary >= 0),
  max_salary integer check (max_salary >= min_salary),
  currency text check (currency ~ '^[A-Z]{3}$'),
  positions_available integer not null default 1 check (positions_available between 1 and 10000),
  positions_filled integer not null default 0 check (positions_filled between 0 and positions_available),
  hiring_manager_id uuid references users (id) on delete set null,
  created_by uuid references users (id) on delete set null,
  status text not null default 'draft'
    check (status in ('draft', 'open', 'paused', 'closed', 'filled', 'cancelled')),
  is_published boolean not null default false,
  published_at timestamptz,
  closes_at timestamptz,
  search tsvector generated always as (to_tsvector('english',
    title || ' ' || coalesce(department, '') || ' ' || coalesce(location, '') || ' ' || description)) stored,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (not is_published or published_at is not null),
  unique (id, organization_id)
);
create index requisitions_org_idx on requisitions (organization_id, created_at desc);
create index requisitions_status_idx on requisitions (status);
create index requisitions_board_idx on requisitions (published_at desc) where is_published and status = 'open';
create index requisitions_search_idx on requisitions using gin (search);
create index requisitions_manager_idx on requisitions (hiring_manager_id);
create trigger requisitions_set_updated_at before update on requisitions
  for each row execute function set_updated_at();

-- Required skills: catalog skills with the level the requisition asks for.
create table requisition_skills (
  id uuid primary key,
  organization_id uuid not null,
  requisition_id uuid not null,
  skill_id uuid not null references skills (id) on delete cascade,
  level text not null check (level in ('beginner', 'intermediate', 'expert')),
  created_at timestamptz not null default now(),
  foreign key (requisition_id, organization_id) references requisitions (id, organization_id) on delete cascade,
  unique (requisition_id, skill_id)
);
create index requisition_skills_skill_idx on requisition_skills (skill_id);
