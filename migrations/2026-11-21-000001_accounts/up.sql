-- Accounts and sessions (docs/domain.md §1).

-- Every table keeps updated_at current through this trigger, so no code path can forget it.
create function set_updated_at() returns trigger language plpgsql as $$
begin
  new.updated_at := now();
  return new;
end
$$;

create table users (
  id uuid primary key,
  -- Stored normalised (trimmed, lower case) so the unique constraint is case-insensitive.
  email text not null unique
    check (email = lower(btrim(email)) and length(email) between 3 and 254),
  password_hash text not null,
  role text not null default 'candidate'
    check (role in ('candidate', 'recruiter', 'interviewer', 'admin')),
  is_active boolean not null default true,
  is_verified boolean not null default false,
  login_count integer not null default 0 check (login_count >= 0),
  last_login_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create trigger users_set_updated_at before update on users
  for each row execute function set_updated_at();

-- Refresh tokens are opaque random strings; only their SHA-256 is stored. Tokens issued from
-- one sign-in share a family: presenting a token that was already rotated revokes the family.
create table refresh_tokens (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  token_hash bytea not null unique,
  family_id uuid not null,
  expires_at timestamptz not null,
  revoked_at timestamptz,
  replaced_by uuid references refresh_tokens (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index refresh_tokens_user_id_idx on refresh_tokens (user_id);
create index refresh_tokens_family_id_idx on refresh_tokens (family_id);
create index refresh_tokens_replaced_by_idx on refresh_tokens (replaced_by);
create trigger refresh_tokens_set_updated_at before update on refresh_tokens
  for each row execute function set_updated_at();
