-- Skill details (issue #23.7). A catalog skill gets a description (Interview Assistant and
-- Assist-Ten `skill.description`) and `is_active` (Assist-Ten `Skill.is_active`): platform admins
-- retire a skill, which is then neither extracted from postings and CVs nor offered by the
-- catalog search, while every existing link to it stays and still resolves. A candidate's claim
-- gets free-form details (Interview Assistant `skill.details`). Interview Assistant
-- `skill.skill_type` maps onto `category` (docs/domain.md, "Skills"): no column.
alter table skills
  add column description text check (length(description) between 1 and 2000),
  add column is_active boolean not null default true;

alter table candidate_skills add column details text check (length(details) between 1 and 2000);
