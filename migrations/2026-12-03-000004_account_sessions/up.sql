-- Account state and sessions (docs/domain.md §1, issues #23 and #26).

-- One row per sign-in: the refresh-token family that rotation grows from it. Listing,
-- revoking and refusing a session's access tokens all name this row; the refresh path locks
-- it, so a refresh and a revocation of the same session are decided one after the other.
create table sessions (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  -- As the client sent it at sign-in, cut to 512 characters; the label is derived when read.
  user_agent text check (length(user_agent) <= 512),
  created_at timestamptz not null default now(),
  last_used_at timestamptz not null default now(),
  -- When its current refresh token expires.
  expires_at timestamptz not null,
  revoked_at timestamptz,
  updated_at timestamptz not null default now()
);
create index sessions_user_id_idx on sessions (user_id, last_used_at desc);
-- Each server copy reads the recently revoked ones when its event listener (re)connects.
create index sessions_revoked_at_idx on sessions (revoked_at) where revoked_at is not null;
create trigger sessions_set_updated_at before update on sessions
  for each row execute function set_updated_at();

-- The families of today's refresh tokens become sessions: used last when their newest token
-- was issued, revoked when none of their tokens is still live.
insert into sessions (id, user_id, created_at, last_used_at, expires_at, revoked_at)
select family_id,
       (array_agg(user_id))[1],
       min(created_at),
       max(created_at),
       max(expires_at),
       case when bool_or(revoked_at is null) then null else max(revoked_at) end
from refresh_tokens
group by family_id;

alter table refresh_tokens
  add constraint refresh_tokens_family_id_fkey
  foreign key (family_id) references sessions (id) on delete cascade;

-- Each server copy keeps the deactivated accounts in memory, read with this on (re)connect.
create index users_inactive_idx on users (id) where not is_active;

-- A deleted account's access tokens must be refused at once by every server copy, whatever
-- deleted the row: the event goes out in the deleting transaction. The payload is the hub's
-- `Event::Revocation` (src/applications/events.rs).
create function users_deleted_revoke_tokens() returns trigger language plpgsql as $$
begin
  insert into event_outbox (payload)
    values (jsonb_build_object('type', 'revocation', 'userId', old.id));
  perform pg_notify('careergraph_events', '');
  return old;
end
$$;
create trigger users_deleted_revoke_tokens after delete on users
  for each row execute function users_deleted_revoke_tokens();

-- A deactivated person's record is read by no organisation until they are reactivated
-- (their consent stays as it was).
create or replace view record_readers as
  select m.user_id as reader_id, s.user_id as owner_id
  from record_shares s
  join users o on o.id = s.user_id and o.is_active
  join organization_members m on m.organization_id = s.organization_id
  where s.revoked_at is null and m.role in ('admin', 'recruiter')
  union
  select r.hiring_manager_id, s.user_id
  from record_shares s
  join users o on o.id = s.user_id and o.is_active
  join candidates c on c.organization_id = s.organization_id and c.user_id = s.user_id
  join candidacies cy on cy.candidate_id = c.id
  join requisitions r on r.id = cy.requisition_id
  join organization_members m on m.organization_id = r.organization_id and m.user_id = r.hiring_manager_id
  where s.revoked_at is null
  union
  select p.user_id, s.user_id
  from record_shares s
  join users o on o.id = s.user_id and o.is_active
  join candidates c on c.organization_id = s.organization_id and c.user_id = s.user_id
  join interviews i on i.candidate_id = c.id
  join interview_participants p on p.interview_id = i.id
  where s.revoked_at is null and i.status <> 'cancelled';
