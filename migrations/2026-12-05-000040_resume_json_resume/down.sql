select audit_table('resumes');
alter table resumes drop column json_resume;
