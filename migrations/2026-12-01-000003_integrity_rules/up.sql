-- Rules that concurrent requests could break while only the server checked them (issue #20):
-- the database now holds them whatever the interleaving.

-- Engagements sit only inside independent_consulting experiences (docs/domain.md §3). The row lock
-- (FOR SHARE) makes a concurrent change of the experience's type wait until this transaction
-- ends, and then see the engagement; or makes this insert wait for that change, and then see
-- the new type. The constraint names are what the server maps to its own error (errors.rs).
create function engagement_needs_consulting() returns trigger language plpgsql as $$
declare
  kind text;
begin
  select employment_type into kind from experiences
    where id = new.experience_id and user_id = new.user_id
    for share;
  -- A missing experience is the foreign key's to report.
  if found and kind <> 'independent_consulting' then
    raise exception 'engagements belong only to independent_consulting experiences'
      using errcode = 'check_violation', constraint = 'engagements_consulting_experience';
  end if;
  return new;
end
$$;
create trigger engagements_consulting_experience before insert or update of experience_id, user_id
  on engagements for each row execute function engagement_needs_consulting();

-- The other side: a consulting experience keeps its type while it has engagements. A BEFORE
-- trigger runs once the updated row is locked, so an engagement committed meanwhile is seen.
create function experience_keeps_consulting() returns trigger language plpgsql as $$
begin
  if exists (select 1 from engagements where experience_id = new.id) then
    raise exception 'the experience has engagements, which need independent_consulting'
      using errcode = 'check_violation', constraint = 'experiences_consulting_engagements';
  end if;
  return new;
end
$$;
create trigger experiences_consulting_engagements before update of employment_type on experiences
  for each row
  when (old.employment_type = 'independent_consulting' and new.employment_type <> 'independent_consulting')
  execute function experience_keeps_consulting();

-- Owner backstops: like every other owned table, these name their parent together with the
-- owner, so a row can never hang under another user's parent. Rows that disagree with their
-- parent take the parent's owner first.
update bullet_versions v set user_id = b.user_id
  from bullets b where b.id = v.bullet_id and v.user_id <> b.user_id;
alter table bullets add constraint bullets_id_user_id_key unique (id, user_id);
alter table bullet_versions
  drop constraint bullet_versions_bullet_id_fkey,
  add constraint bullet_versions_bullet_id_user_id_fkey foreign key (bullet_id, user_id)
    references bullets (id, user_id) on delete cascade;

update project_skills ps set user_id = p.user_id
  from projects p where p.id = ps.project_id and ps.user_id <> p.user_id;
alter table projects add constraint projects_id_user_id_key unique (id, user_id);
alter table project_skills
  drop constraint project_skills_project_id_fkey,
  add constraint project_skills_project_id_user_id_fkey foreign key (project_id, user_id)
    references projects (id, user_id) on delete cascade;

update mbti_profiles m set user_id = p.user_id
  from candidate_profiles p where p.id = m.profile_id and m.user_id <> p.user_id;
alter table candidate_profiles add constraint candidate_profiles_id_user_id_key unique (id, user_id);
alter table mbti_profiles
  drop constraint mbti_profiles_profile_id_fkey,
  add constraint mbti_profiles_profile_id_user_id_fkey foreign key (profile_id, user_id)
    references candidate_profiles (id, user_id) on delete cascade;
