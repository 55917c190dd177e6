alter table experiences drop column tools_and_technologies, drop column role_summary;
alter table candidate_profiles
  drop column open_to_work_titles,
  drop column linkedin_top_skills,
  drop column linkedin_about,
  drop column primary_identity;
drop table user_settings;
select audit_table('users');
drop index users_username_key;
alter table users drop column username, drop column terms_version, drop column terms_accepted_at;
