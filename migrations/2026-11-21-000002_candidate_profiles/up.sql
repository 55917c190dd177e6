-- The candidate (docs/domain.md §2). A profile is created with its user, so every user has one.
create table candidate_profiles (
  id uuid primary key,
  user_id uuid not null unique references users (id) on delete cascade,
  full_name text,
  email text,
  phone text,
  location text,
  headline text,
  summary text,
  years_experience integer check (years_experience between 0 and 80),
  linkedin_url text,
  github_url text,
  portfolio_url text,
  nationality text,
  target_roles text[] not null default '{}',
  specializations text[] not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create trigger candidate_profiles_set_updated_at before update on candidate_profiles
  for each row execute function set_updated_at();

-- Scores are the percentage leaning towards the first letter of each pair (I, N, T, J).
-- Unless manually_overridden, mbti_type is derived from them, so all four must be present.
create table mbti_profiles (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  profile_id uuid not null unique references candidate_profiles (id) on delete cascade,
  mbti_type text not null check (mbti_type in (
    'INTJ', 'INTP', 'ENTJ', 'ENTP', 'INFJ', 'INFP', 'ENFJ', 'ENFP',
    'ISTJ', 'ISFJ', 'ESTJ', 'ESFJ', 'ISTP', 'ISFP', 'ESTP', 'ESFP')),
  ie_score smallint check (ie_score between 0 and 100),
  ns_score smallint check (ns_score between 0 and 100),
  tf_score smallint check (tf_score between 0 and 100),
  jp_score smallint check (jp_score between 0 and 100),
  manually_overridden boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (manually_overridden or num_nulls(ie_score, ns_score, tf_score, jp_score) = 0)
);
create index mbti_profiles_user_id_idx on mbti_profiles (user_id);
create trigger mbti_profiles_set_updated_at before update on mbti_profiles
  for each row execute function set_updated_at();
