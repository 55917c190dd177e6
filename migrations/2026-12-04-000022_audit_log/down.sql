do $$
declare
  t record;
begin
  for t in
    select tgrelid::regclass as name from pg_trigger where tgname = 'audit_change' and not tgisinternal
  loop
    execute format('drop trigger audit_change on %s', t.name);
  end loop;
end $$;
drop function audit_table(regclass, text[]);
drop function audit_change();
drop function audit_masked_columns();
drop table audit_log;
drop function audit_log_append_only();
