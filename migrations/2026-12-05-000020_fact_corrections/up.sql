-- ETPS's truthfulness rule (#15 item 6, docs/domain.md "Truthfulness"): an experience's job
-- title, employer and location are fixed once an application uses it, and
-- `correctExperienceFacts` is the one way to fix a typo in them. Its entry in the audit log must
-- say it is a correction, not an ordinary change. The audit trigger (`audit_change`) writes the
-- entry; this trigger lets the transaction that makes the correction name its kind, through the
-- transaction-local settings `careergraph.log_type` and `careergraph.log_message`, without a
-- second copy of `audit_change`. Outside such a transaction the settings are empty and the entry
-- is left as written.
create function audit_log_kind() returns trigger language plpgsql as $$
declare
  kind text := nullif(current_setting('careergraph.log_type', true), '');
begin
  if kind is not null then
    new.log_type := kind;
    new.message := coalesce(nullif(current_setting('careergraph.log_message', true), ''), new.message);
    new.metadata := new.metadata || jsonb_build_object('logType', kind);
  end if;
  return new;
end $$;
create trigger audit_log_kind before insert on audit_log
  for each row execute function audit_log_kind();
