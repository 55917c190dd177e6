-- Your data, your rights (#15 item 7, docs/domain.md "Audit log" and §7 exports).

-- The data export is an export job of its own kind, made by the same runner with its leases
-- and expiry: one zip archive of everything the user owns. It exports no resume.
alter table export_jobs drop constraint export_jobs_kind_check;
alter table export_jobs add constraint export_jobs_kind_check check (kind in ('resume', 'data'));
alter table export_jobs drop constraint export_jobs_format_check;
alter table export_jobs add constraint export_jobs_format_check
  check (format in ('pdf', 'docx', 'json_resume', 'markdown', 'plain_text', 'zip'));
alter table export_jobs add constraint export_jobs_kind_format_check
  check ((kind = 'data') = (format = 'zip'));

-- Account deletion leaves the audit log's entries about the deleted person, with the person
-- replaced by a pseudonym: a random id, the same on all of their entries (the history still
-- reads as one actor's) and linked to nobody. This is what an entry becomes: every occurrence
-- of the person's id (actor, owner, entity, the ids among the changed values) replaced by the
-- pseudonym, and on the entries about the person's own data (`owner_id`) the changed values
-- themselves erased: such an entry keeps which fields changed, when, in which request, and not
-- what they held. Entries about an organisation's or another person's data keep their values
-- (they are not the deleted person's), with the person's id replaced.
create function audit_pseudonymised(entry jsonb, person uuid, pseudonym uuid) returns jsonb
language sql immutable as $$
  select replace(
    (case when entry ->> 'owner_id' = person::text then
       jsonb_set(entry, '{changes}', coalesce(
         (select jsonb_object_agg(field, jsonb_build_object(
                   'old', case when coalesce(jsonb_typeof(value -> 'old'), 'null') = 'null'
                               then 'null'::jsonb else '"[erased]"'::jsonb end,
                   'new', case when coalesce(jsonb_typeof(value -> 'new'), 'null') = 'null'
                               then 'null'::jsonb else '"[erased]"'::jsonb end))
          from jsonb_each(entry -> 'changes') as c(field, value)),
         '{}'::jsonb))
     else entry end)::text,
    person::text,
    pseudonym::text)::jsonb
$$;

-- The append-only rule's exception for it, scoped as narrowly as the database can check: in a
-- transaction that named the person and the pseudonym (`careergraph.pseudonymise_person`,
-- `careergraph.pseudonym`, set local), an update is allowed only if the person's account no
-- longer exists (it was deleted in this transaction or before), the pseudonym is nobody's
-- account, and the entry becomes exactly `audit_pseudonymised` of what it was: nothing else
-- can be rewritten, no live person's history touched. Deletes and truncation stay refused.
-- The earlier exception (`careergraph.pseudonymise` = 'on', actor and owner only) is kept as
-- it was for the callers that use it.
create or replace function audit_log_append_only() returns trigger language plpgsql as $$
declare
  person text := nullif(current_setting('careergraph.pseudonymise_person', true), '');
  pseudonym text := nullif(current_setting('careergraph.pseudonym', true), '');
begin
  if tg_op = 'UPDATE' and person is not null and pseudonym is not null
     and not exists (select 1 from users where id = person::uuid)
     and not exists (select 1 from users where id = pseudonym::uuid)
     and to_jsonb(new) = audit_pseudonymised(to_jsonb(old), person::uuid, pseudonym::uuid) then
    return new;
  end if;
  if tg_op = 'UPDATE'
     and current_setting('careergraph.pseudonymise', true) = 'on'
     and (to_jsonb(new) - 'actor_id' - 'owner_id') = (to_jsonb(old) - 'actor_id' - 'owner_id') then
    return new;
  end if;
  raise exception 'the audit log is append-only: % refused', lower(tg_op)
    using errcode = 'insufficient_privilege';
end $$;
