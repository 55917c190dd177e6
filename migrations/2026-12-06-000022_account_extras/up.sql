-- Account extras (issue #21.4). Terms: sign-up records when the terms were accepted and which
-- version (Interview Assistant `terms_accepted`); accounts that existed before keep null, since
-- nobody accepted anything through this server for them (`acceptTerms` records it later). An
-- optional username (ETPS `User.username`): letters, digits, `.`, `_` and `-`, 3 to 30
-- characters, starting with a letter or digit, unique in any letter case; a personal
-- identifier, so masked in the audit log like the email. Per-user settings (Assist-Ten
-- AdminSettings, a JSON blob there) as typed columns of their own table, one row per user
-- created on first change. The candidate profile gets ETPS `primary_identity` and the LinkedIn
-- meta (headline is the profile's headline already); experiences get ETPS `role_summary` and
-- `tools_and_technologies`.
alter table users
  add column terms_accepted_at timestamptz,
  add column terms_version text check (length(terms_version) between 1 and 50),
  add column username text check (username ~ '^[A-Za-z0-9][A-Za-z0-9._-]{2,29}$');
create unique index users_username_key on users (lower(username));
select audit_table('users', array['username']);

create table user_settings (
  id uuid primary key,
  user_id uuid not null unique references users (id) on delete cascade,
  default_assessment_minutes int4 not null default 60
    check (default_assessment_minutes between 5 and 480),
  questionnaire_enabled boolean not null default true,
  interview_enabled boolean not null default false,
  email_notifications boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create trigger user_settings_set_updated_at before update on user_settings
  for each row execute function set_updated_at();
select audit_table('user_settings');

alter table candidate_profiles
  add column primary_identity text check (length(primary_identity) between 1 and 200),
  add column linkedin_about text check (length(linkedin_about) between 1 and 5000),
  add column linkedin_top_skills text[] not null default '{}',
  add column open_to_work_titles text[] not null default '{}';

alter table experiences
  add column role_summary text check (length(role_summary) between 1 and 2000),
  add column tools_and_technologies text[] not null default '{}';
