-- Applications and artifacts (docs/domain.md §5).

create table applications (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  job_posting_id uuid not null,
  status text not null default 'draft' check (status in (
    'draft', 'generated', 'submitted', 'screening', 'interviewing', 'offer', 'accepted', 'rejected', 'withdrawn')),
  personal_context text,
  notes text,
  applied_at timestamptz,
  -- The last artifact version handed out per kind: versions are never reused, even after a delete.
  last_cv_version integer not null default 0,
  last_cover_letter_version integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  foreign key (job_posting_id, user_id) references job_postings (id, user_id) on delete cascade,
  unique (job_posting_id),
  unique (id, user_id)
);
create index applications_user_idx on applications (user_id, updated_at desc);
create trigger applications_set_updated_at before update on applications
  for each row execute function set_updated_at();

-- The history of each application; `seq` orders all events (the subscription cursor).
create table application_status_events (
  id uuid primary key,
  seq bigint generated always as identity unique,
  user_id uuid not null references users (id) on delete cascade,
  application_id uuid not null,
  from_status text,
  to_status text not null,
  note text,
  created_at timestamptz not null default now(),
  foreign key (application_id, user_id) references applications (id, user_id) on delete cascade
);
create index application_status_events_application_idx on application_status_events (application_id, seq);
create index application_status_events_user_idx on application_status_events (user_id, seq);

create table artifacts (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  application_id uuid not null,
  kind text not null check (kind in ('cv', 'cover_letter')),
  content text not null,
  word_count integer not null check (word_count >= 0),
  version integer not null,
  created_at timestamptz not null default now(),
  foreign key (application_id, user_id) references applications (id, user_id) on delete cascade,
  unique (application_id, kind, version)
);
create index artifacts_user_idx on artifacts (user_id);

-- Versions are assigned here, by incrementing the application's counter: the row lock that
-- the update takes makes concurrent creates wait their turn, so versions run 1, 2, 3 … with
-- no gap and no repeat whatever the client does.
create function assign_artifact_version() returns trigger language plpgsql as $$
begin
  if new.kind = 'cv' then
    update applications set last_cv_version = last_cv_version + 1
      where id = new.application_id and user_id = new.user_id
      returning last_cv_version into new.version;
  else
    update applications set last_cover_letter_version = last_cover_letter_version + 1
      where id = new.application_id and user_id = new.user_id
      returning last_cover_letter_version into new.version;
  end if;
  if new.version is null then
    raise foreign_key_violation using message = 'no such application';
  end if;
  return new;
end
$$;
create trigger artifacts_assign_version before insert on artifacts
  for each row execute function assign_artifact_version();
