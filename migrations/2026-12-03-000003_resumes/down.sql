drop table resume_snapshots;
drop function resume_snapshots_immutable();
drop table resume_items;
drop table resume_sections;
drop table resumes;
alter table strengths drop constraint strengths_id_user_id_key;
alter table candidate_skills drop constraint candidate_skills_id_user_id_key;
alter table education drop constraint education_id_user_id_key;
alter table star_stories drop constraint star_stories_id_user_id_key;
