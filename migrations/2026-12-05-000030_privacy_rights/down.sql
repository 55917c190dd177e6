create or replace function audit_log_append_only() returns trigger language plpgsql as $$
begin
  if tg_op = 'UPDATE'
     and current_setting('careergraph.pseudonymise', true) = 'on'
     and (to_jsonb(new) - 'actor_id' - 'owner_id') = (to_jsonb(old) - 'actor_id' - 'owner_id') then
    return new;
  end if;
  raise exception 'the audit log is append-only: % refused', lower(tg_op)
    using errcode = 'insufficient_privilege';
end $$;
drop function audit_pseudonymised(jsonb, uuid, uuid);

delete from export_jobs where kind = 'data';
alter table export_jobs drop constraint export_jobs_kind_format_check;
alter table export_jobs drop constraint export_jobs_format_check;
alter table export_jobs add constraint export_jobs_format_check
  check (format in ('pdf', 'docx', 'json_resume', 'markdown', 'plain_text'));
alter table export_jobs drop constraint export_jobs_kind_check;
alter table export_jobs add constraint export_jobs_kind_check check (kind in ('resume'));
