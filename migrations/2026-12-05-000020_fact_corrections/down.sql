drop trigger audit_log_kind on audit_log;
drop function audit_log_kind();
