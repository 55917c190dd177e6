drop table job_experience_matches;
drop table job_posting_skills;
drop table job_postings;
alter table skills drop column auto_extract;
