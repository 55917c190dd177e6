-- Company profiles (#15 item 1, docs/domain.md "Companies"; ETPS CompanyProfile): a shared
-- catalog like the skill catalog. A company is found by its normalised name (trimmed, runs of
-- white space folded, lower case: `skills::store::normalize`) and created on first use: when an
-- experience, a job posting or a contact names a company without a `company_id`, the trigger
-- below links the company of that name, adding it if there is none. An application follows its
-- posting. The descriptive fields are the catalog's, changed by platform admins only.
create table companies (
  id uuid primary key default gen_random_uuid(),
  -- The name as first written (ETPS `name`, unique in any letter case through
  -- `normalized_name`).
  name text not null check (char_length(name) between 1 and 200),
  normalized_name text not null unique,
  -- ETPS String(500); a URL here may be as long as the `URL` scalar allows.
  website text check (char_length(website) between 1 and 2048),
  industry text check (char_length(industry) between 1 and 100),
  -- ETPS String(50) "employee count range", e.g. "51-200".
  size_band text check (char_length(size_band) between 1 and 50),
  headquarters text check (char_length(headquarters) between 1 and 255),
  business_lines text check (char_length(business_lines) between 1 and 10000),
  known_initiatives text check (char_length(known_initiatives) between 1 and 10000),
  culture_signals text[] not null default '{}',
  data_ai_maturity text check (data_ai_maturity in ('low', 'developing', 'advanced')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create trigger companies_set_updated_at before update on companies
  for each row execute function set_updated_at();
select audit_table('companies');

create function company_key(name text) returns text language sql immutable as $$
  select lower(regexp_replace(btrim(name), '\s+', ' ', 'g'))
$$;

-- The company named `name`, added to the catalog if it is not there yet; null for no name.
create function company_named(wanted text) returns uuid language plpgsql as $$
declare
  hit uuid;
begin
  if wanted is null or btrim(wanted) = '' then
    return null;
  end if;
  select c.id into hit from companies c where c.normalized_name = company_key(wanted);
  if hit is null then
    insert into companies (name, normalized_name)
      values (regexp_replace(btrim(wanted), '\s+', ' ', 'g'), company_key(wanted))
      on conflict (normalized_name) do nothing
      returning id into hit;
    if hit is null then
      select c.id into hit from companies c where c.normalized_name = company_key(wanted);
    end if;
  end if;
  return hit;
end $$;

-- A row's company from its `company_name`, unless the write names one itself: on insert when
-- `company_id` is null, on update when the name changes and the id does not.
create function link_company() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    if new.company_id is null then
      new.company_id := company_named(new.company_name);
    end if;
  elsif new.company_name is distinct from old.company_name
        and new.company_id is not distinct from old.company_id then
    new.company_id := company_named(new.company_name);
  end if;
  return new;
end $$;

-- An application's company is its posting's unless the write names one.
create function link_application_company() returns trigger language plpgsql as $$
begin
  if new.company_id is null
     and (tg_op = 'INSERT' or new.job_posting_id is distinct from old.job_posting_id) then
    select p.company_id into new.company_id from job_postings p where p.id = new.job_posting_id;
  end if;
  return new;
end $$;

alter table experiences add column company_id uuid references companies (id) on delete set null;
alter table job_postings add column company_id uuid references companies (id) on delete set null;
alter table contacts add column company_id uuid references companies (id) on delete set null;
alter table applications add column company_id uuid references companies (id) on delete set null;
-- The viewer's rows that point to a company (`Company.jobPostingCount` and the others).
create index experiences_company_idx on experiences (company_id, user_id);
create index job_postings_company_idx on job_postings (company_id, user_id);
create index contacts_company_idx on contacts (company_id, user_id) where deleted_at is null;
create index applications_company_idx on applications (company_id, user_id);

-- Existing data: a company for each name already written (the most used spelling, then the
-- first in order), then every row linked to it. The audit triggers stay on: the backfill is a
-- change like any other, made by no one.
insert into companies (name, normalized_name)
select distinct on (key) spelled, key
from (
  select regexp_replace(btrim(company_name), '\s+', ' ', 'g') as spelled,
         company_key(company_name) as key, count(*) as uses
  from (
    select company_name from experiences
    union all select company_name from job_postings
    union all select company_name from contacts where company_name is not null
  ) names
  where btrim(company_name) <> ''
  group by 1, 2
) spellings
order by key, uses desc, spelled;
update experiences t set company_id = c.id from companies c
  where c.normalized_name = company_key(t.company_name);
update job_postings t set company_id = c.id from companies c
  where c.normalized_name = company_key(t.company_name);
update contacts t set company_id = c.id from companies c
  where t.company_name is not null and c.normalized_name = company_key(t.company_name);
update applications a set company_id = p.company_id from job_postings p
  where p.id = a.job_posting_id;

-- A contact's employer is masked in the audit log (`2026-12-04-000022_audit_log`); its company
-- would name it again.
select audit_table('contacts', array['title', 'company_name', 'company_id']);

create trigger experiences_link_company before insert or update on experiences
  for each row execute function link_company();
create trigger job_postings_link_company before insert or update on job_postings
  for each row execute function link_company();
create trigger contacts_link_company before insert or update on contacts
  for each row execute function link_company();
create trigger applications_link_company before insert or update on applications
  for each row execute function link_application_company();
