-- The audit log (docs/domain.md "Audit log"; ETPS LogEntry and the seeds' audit trails): one
-- row per row a change writes, in the change's own transaction, written by a trigger on every
-- table of user data so that no mutation, present or future, can forget it. The actor and the
-- request id come from the connection's settings `careergraph.actor` and
-- `careergraph.request_id`, which the pool sets when a mutation checks out a connection
-- (src/db/audit.rs); a change without them (sign-up, a background job) has no actor.
-- Personal columns keep only the fact that they changed ("[masked]"), never their values.
create table audit_log (
  id uuid primary key default gen_random_uuid(),
  -- The order in which rows were written (the list's order and its cursor's tiebreak).
  seq bigserial not null unique,
  created_at timestamptz not null default now(),
  -- Who made the change; null for the server itself or a client without a token. No foreign
  -- key: the row outlives the account (deleting an account pseudonymises it instead).
  actor_id uuid,
  -- Whose data changed (the row's user), and the organisation it belongs to, if any: who may
  -- read the entry.
  owner_id uuid,
  organization_id uuid,
  entity_type text not null,
  entity_id text,
  action text not null check (action in ('insert', 'update', 'delete')),
  -- {column: {old, new}} for each column whose value changed; personal ones masked.
  changes jsonb not null default '{}',
  request_id text,
  -- ETPS LogEntry level, log_type, message and log_metadata (#23 item 11).
  level text not null default 'info' check (level in ('debug', 'info', 'warning', 'error')),
  log_type text not null default 'data_change' check (char_length(log_type) between 1 and 50),
  message text not null,
  metadata jsonb not null default '{}'
);
create index audit_log_owner_idx on audit_log (owner_id, seq desc) where owner_id is not null;
create index audit_log_organization_idx on audit_log (organization_id, seq desc)
  where organization_id is not null;
-- ETPS ix_log_entries_type_level.
create index audit_log_type_level_idx on audit_log (log_type, level);

-- Append-only: the database refuses to change or remove an entry. The one exception is the
-- pseudonymisation of a deleted account's entries (#15 item 7): an update that changes only
-- `actor_id` and `owner_id`, in a transaction that set `careergraph.pseudonymise` to 'on'.
create function audit_log_append_only() returns trigger language plpgsql as $$
begin
  if tg_op = 'UPDATE'
     and current_setting('careergraph.pseudonymise', true) = 'on'
     and (to_jsonb(new) - 'actor_id' - 'owner_id') = (to_jsonb(old) - 'actor_id' - 'owner_id') then
    return new;
  end if;
  raise exception 'the audit log is append-only: % refused', lower(tg_op)
    using errcode = 'insufficient_privilege';
end $$;
create trigger audit_log_append_only before update or delete on audit_log
  for each row execute function audit_log_append_only();
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function audit_log_append_only();

-- Columns whose values never enter the log, on any table: people's identifiers, secrets and
-- large binaries. A table adds its own as the trigger's arguments (`audit_table`).
create function audit_masked_columns() returns text[] language sql immutable as $$
  select array['email', 'full_name', 'first_name', 'last_name', 'phone', 'linkedin_url',
               'github_url', 'portfolio_url', 'nationality', 'password_hash', 'token_hash',
               'pdf', 'notes']
$$;

create function audit_change() returns trigger language plpgsql as $$
declare
  old_row jsonb := case when tg_op in ('UPDATE', 'DELETE') then to_jsonb(old) end;
  new_row jsonb := case when tg_op in ('INSERT', 'UPDATE') then to_jsonb(new) end;
  row_now jsonb := coalesce(new_row, old_row);
  masked text[] := audit_masked_columns() || tg_argv;
  changes jsonb := '{}';
  key text;
  before jsonb;
  after jsonb;
  entity text;
  owner text;
  verb text := case tg_op when 'INSERT' then 'created' when 'UPDATE' then 'changed' else 'deleted' end;
begin
  for key in select jsonb_object_keys(row_now) loop
    before := old_row -> key;
    after := new_row -> key;
    continue when before is not distinct from after or key = 'updated_at';
    if key = any(masked) then
      before := case when before is null or before = 'null' then before else '"[masked]"' end;
      after := case when after is null or after = 'null' then after else '"[masked]"' end;
    end if;
    changes := changes || jsonb_build_object(key, jsonb_build_object('old', before, 'new', after));
  end loop;
  -- An update that rewrote a row without changing it changed nothing.
  if tg_op = 'UPDATE' and changes = '{}' then
    return null;
  end if;
  entity := row_now ->> 'id';
  if entity is null then
    -- A row without an id (a link between two rows): the ids it links.
    select string_agg(k || '=' || (row_now ->> k), ',' order by k) into entity
      from jsonb_object_keys(row_now) k
      where k like '%\_id' and k not in ('user_id', 'owner_id', 'organization_id');
  end if;
  owner := case tg_table_name
             when 'users' then row_now ->> 'id'
             else coalesce(row_now ->> 'user_id', row_now ->> 'owner_id')
           end;
  insert into audit_log (actor_id, owner_id, organization_id, entity_type, entity_id, action,
                         changes, request_id, level, log_type, message, metadata)
  values (
    nullif(current_setting('careergraph.actor', true), '')::uuid,
    owner::uuid,
    case tg_table_name
      when 'organizations' then row_now ->> 'id'
      else row_now ->> 'organization_id'
    end::uuid,
    tg_table_name,
    entity,
    lower(tg_op),
    changes,
    nullif(current_setting('careergraph.request_id', true), ''),
    'info',
    'data_change',
    format('%s %s', tg_table_name, verb),
    jsonb_build_object(
      'fields', (select coalesce(jsonb_agg(k order by k), '[]') from jsonb_object_keys(changes) k)
    )
  );
  return null;
end $$;

-- Audits a table: every insert, update and delete of its rows writes an entry. `extra_masked`
-- names its personal columns beyond `audit_masked_columns()`. A migration that creates a
-- table of user data calls it (tests/api/audit.rs fails for a table without the trigger).
create function audit_table(target regclass, extra_masked text[] default '{}') returns void
language plpgsql as $$
begin
  execute format('drop trigger if exists audit_change on %s', target);
  execute format(
    'create trigger audit_change after insert or update or delete on %s '
    'for each row execute function audit_change(%s)',
    target,
    (select coalesce(string_agg(quote_literal(c), ', '), '') from unnest(extra_masked) c)
  );
end $$;

-- Every table of user data there is now. Left out: the log itself, the migrations' own table,
-- the event outbox (a delivery queue whose rows the listener consumes: the change that wrote
-- one is audited on its own table) and persisted queries (documents, nobody's data).
do $$
declare
  t record;
begin
  for t in
    select c.oid::regclass as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p')
      and c.relname not in ('audit_log', '__diesel_schema_migrations', 'event_outbox',
                            'persisted_queries')
  loop
    perform audit_table(t.name);
  end loop;
end $$;
-- Contacts' free text may name anyone.
select audit_table('contacts', array['title', 'company_name']);
