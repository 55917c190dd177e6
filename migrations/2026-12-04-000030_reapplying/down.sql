-- Back to one application per posting: the newest of each posting stays (with its history and
-- artifacts); the earlier, closed ones go, as the old rule could not hold them.
drop index applications_posting_idx;
drop index applications_one_open_per_posting;
delete from applications a
  using applications b
  where a.job_posting_id = b.job_posting_id and (a.created_at, a.id) < (b.created_at, b.id);
alter table applications add constraint applications_job_posting_id_key unique (job_posting_id);
