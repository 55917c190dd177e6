drop index projects_education_idx;
alter table projects
  drop constraint projects_one_parent,
  drop constraint projects_education_id_user_id_fkey,
  drop column tags,
  drop column experience_type,
  drop column details,
  drop column education_id;
alter table experiences drop column details;
