-- Private skills rejoin the shared catalog. Where several have one name, the shared one (else
-- the oldest) stays and the links of the others move to it; a link the kept skill already has
-- makes the duplicate's redundant, and it goes with the duplicate.
create temporary table skill_merges on commit drop as
select id as dup,
       first_value(id) over (partition by normalized_name order by owner_id is not null, created_at, id) as keep
from skills;
delete from skill_merges where dup = keep;

update experience_skills l set skill_id = m.keep from skill_merges m
  where l.skill_id = m.dup
    and not exists (select 1 from experience_skills x where x.experience_id = l.experience_id and x.skill_id = m.keep);
update project_skills l set skill_id = m.keep from skill_merges m
  where l.skill_id = m.dup
    and not exists (select 1 from project_skills x where x.project_id = l.project_id and x.skill_id = m.keep);
update candidate_skills l set skill_id = m.keep from skill_merges m
  where l.skill_id = m.dup
    and not exists (select 1 from candidate_skills x where x.user_id = l.user_id and x.skill_id = m.keep);
update job_posting_skills l set skill_id = m.keep from skill_merges m
  where l.skill_id = m.dup
    and not exists (select 1 from job_posting_skills x where x.job_posting_id = l.job_posting_id and x.skill_id = m.keep);
delete from skills where id in (select dup from skill_merges);

drop index skills_private_name_idx;
drop index skills_shared_name_idx;
alter table skills add constraint skills_normalized_name_key unique (normalized_name);
alter table skills drop column owner_id;
