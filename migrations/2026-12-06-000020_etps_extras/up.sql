-- ETPS extras (issue #23.5). The candidate_profile JSON's `ai_systems_builder` becomes a flag on
-- the profile; Experience's `ai_systems_built`, `governance_frameworks_created` (JSON lists) and
-- `fs_domain_relevance` become two text arrays and a 0-1 score (generalised: relevance to the
-- candidate's target domain, not only financial services); ai_portfolio[].fs_relevance becomes
-- projects.domain_relevance (ai_portfolio[].impact is projects.impact_metric already). A bullet
-- keeps ETPS `relevance_scores` as a JSON object tag -> 0..1 (the API checks every key and value,
-- the database the shape), `ai_first_choice` generalised as `lead_with` (tailoring chooses it and
-- puts it first), and the strategy that wrote its text; a version keeps the strategy of the text
-- it holds (ETPS version_history[].strategy).
alter table candidate_profiles add column ai_systems_builder boolean not null default false;

alter table experiences
  add column ai_systems_built text[] not null default '{}',
  add column governance_frameworks_created text[] not null default '{}',
  add column domain_relevance double precision
    check (domain_relevance >= 0 and domain_relevance <= 1);

alter table projects add column domain_relevance double precision
  check (domain_relevance >= 0 and domain_relevance <= 1);

alter table bullets
  add column relevance_scores jsonb not null default '{}'
    check (jsonb_typeof(relevance_scores) = 'object'),
  add column lead_with boolean not null default false,
  add column strategy text check (length(strategy) between 1 and 50);

alter table bullet_versions add column strategy text check (length(strategy) between 1 and 50);
