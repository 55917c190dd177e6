-- Re-applying (issue #23.10; Interview Assistant job_posting ||--o{ job_application, ETPS
-- JobProfile 1:N Application): a posting keeps every application made for it, but at most one
-- is open at a time. A new one may start once the previous one is closed (accepted, rejected,
-- withdrawn: the statuses with no move left). Existing rows already have one application per
-- posting, so they satisfy the new rule as they are.
alter table applications drop constraint applications_job_posting_id_key;
create unique index applications_one_open_per_posting on applications (job_posting_id)
  where status not in ('accepted', 'rejected', 'withdrawn');
create index applications_posting_idx on applications (job_posting_id, created_at desc);
