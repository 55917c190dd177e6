-- Contacts (docs/domain.md "Contacts"; ETPS Contact): the people in a user's professional
-- network. This is the only table that holds another person's name, email or LinkedIn URL
-- (ETPS's "authoritative PII store"); everything else names a contact by its id.
-- `deleted_at` is ETPS's soft deletion: a deleted contact is invisible at once (the access
-- policy reads only rows where it is null), restorable for 30 days, then erased by the server.
create table contacts (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  full_name text not null check (char_length(full_name) between 1 and 255),
  title text check (char_length(title) between 1 and 255),
  email text check (char_length(email) between 3 and 254),
  linkedin_url text check (char_length(linkedin_url) between 1 and 500),
  notes text check (char_length(notes) between 1 and 10000),
  -- ETPS `relationship_type` (String(50), values not fixed): how the user knows them.
  relationship_type text check (char_length(relationship_type) between 1 and 50),
  relationship_strength double precision
    check (relationship_strength between 0 and 1),
  is_hiring_manager_candidate boolean not null default false,
  -- The employer as the user wrote it; the company catalog (#15 item 1) links it by id later.
  company_name text check (char_length(company_name) between 1 and 200),
  deleted_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
-- The owner's live contacts by name (the list), and the purge of expired deletions.
create index contacts_user_idx on contacts (user_id, lower(full_name), id) where deleted_at is null;
create index contacts_deleted_idx on contacts (deleted_at) where deleted_at is not null;
-- ETPS ix_contacts_company_hiring: possible hiring managers at a company.
create index contacts_hiring_idx on contacts (user_id, company_name, is_hiring_manager_candidate)
  where deleted_at is null;
create trigger contacts_set_updated_at before update on contacts
  for each row execute function set_updated_at();
