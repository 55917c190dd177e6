-- The catalog is not a shared write surface (issue #20): a skill a user adds is private to
-- them (owner_id) until a platform admin promotes it to the shared catalog (owner_id null).
-- Only the owner sees a private skill, links it and has it found in their job postings.
-- created_by stays the record of who added a skill, also after it is promoted.
alter table skills add column owner_id uuid references users (id) on delete cascade;

-- Names are unique in the shared catalog and within each owner's private skills; the unique
-- indexes below replace the global one. The server resolves a name to a shared skill first
-- and merges same-named private skills into a skill it promotes, so a private skill never
-- shadows a shared one.
alter table skills drop constraint skills_normalized_name_key;

-- Skills users added become private to their creator. Other users who already use one keep
-- their records as they are, each through a private copy of their own, so no one's links
-- point at a skill they can no longer see.
create temporary table private_skill_copies on commit drop as
select s.id as skill_id, uses.user_id, gen_random_uuid() as copy_id
from skills s
join (
  select skill_id, user_id from experience_skills
  union select skill_id, user_id from project_skills
  union select skill_id, user_id from candidate_skills
  union select skill_id, user_id from job_posting_skills
) uses on uses.skill_id = s.id
where s.created_by is not null and uses.user_id <> s.created_by;

insert into skills (id, name, normalized_name, category, aliases, auto_extract, created_by, owner_id, created_at)
select c.copy_id, s.name, s.normalized_name, s.category, s.aliases, s.auto_extract, c.user_id, c.user_id, s.created_at
from private_skill_copies c join skills s on s.id = c.skill_id;

update experience_skills l set skill_id = c.copy_id
  from private_skill_copies c where l.skill_id = c.skill_id and l.user_id = c.user_id;
update project_skills l set skill_id = c.copy_id
  from private_skill_copies c where l.skill_id = c.skill_id and l.user_id = c.user_id;
update candidate_skills l set skill_id = c.copy_id
  from private_skill_copies c where l.skill_id = c.skill_id and l.user_id = c.user_id;
update job_posting_skills l set skill_id = c.copy_id
  from private_skill_copies c where l.skill_id = c.skill_id and l.user_id = c.user_id;

update skills set owner_id = created_by where created_by is not null and owner_id is null;

create unique index skills_shared_name_idx on skills (normalized_name) where owner_id is null;
-- Also the index of owner_id for its foreign key.
create unique index skills_private_name_idx on skills (owner_id, normalized_name) where owner_id is not null;
