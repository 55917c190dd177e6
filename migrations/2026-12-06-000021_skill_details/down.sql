alter table candidate_skills drop column details;
alter table skills drop column is_active, drop column description;
