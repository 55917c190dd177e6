-- Item-level experiences (issue #23.3; Interview Assistant `experience`: an accomplishment
-- under an employment or an education). They map onto projects (docs/domain.md §3): a project
-- belongs to an experience, to an education (a thesis, a course project), or to neither (a
-- personal project), never to both. `experience_type` is the seed's free label (it gives no
-- values), `tags` its dynamic categorisation, `details` its free-form notes. Interview
-- Assistant `employment.details` becomes experiences.details. (education already has the
-- unique (id, user_id) the foreign key needs: the resumes migration added it.)
alter table experiences add column details text;

alter table projects
  add column education_id uuid,
  add column details text,
  add column experience_type text check (length(experience_type) between 1 and 100),
  add column tags text[] not null default '{}',
  add constraint projects_education_id_user_id_fkey foreign key (education_id, user_id)
    references education (id, user_id) on delete cascade,
  add constraint projects_one_parent check (num_nonnulls(experience_id, education_id) <= 1);
create index projects_education_idx on projects (education_id, sort_order);
