drop table export_jobs;
