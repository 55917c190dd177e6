alter table bullet_versions drop column strategy;
alter table bullets drop column strategy, drop column lead_with, drop column relevance_scores;
alter table projects drop column domain_relevance;
alter table experiences
  drop column domain_relevance,
  drop column governance_frameworks_created,
  drop column ai_systems_built;
alter table candidate_profiles drop column ai_systems_builder;
