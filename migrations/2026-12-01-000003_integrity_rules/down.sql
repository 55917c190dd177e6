alter table mbti_profiles
  drop constraint mbti_profiles_profile_id_user_id_fkey,
  add constraint mbti_profiles_profile_id_fkey foreign key (profile_id)
    references candidate_profiles (id) on delete cascade;
alter table candidate_profiles drop constraint candidate_profiles_id_user_id_key;

alter table project_skills
  drop constraint project_skills_project_id_user_id_fkey,
  add constraint project_skills_project_id_fkey foreign key (project_id)
    references projects (id) on delete cascade;
alter table projects drop constraint projects_id_user_id_key;

alter table bullet_versions
  drop constraint bullet_versions_bullet_id_user_id_fkey,
  add constraint bullet_versions_bullet_id_fkey foreign key (bullet_id)
    references bullets (id) on delete cascade;
alter table bullets drop constraint bullets_id_user_id_key;

drop trigger experiences_consulting_engagements on experiences;
drop function experience_keeps_consulting();
drop trigger engagements_consulting_experience on engagements;
drop function engagement_needs_consulting();
