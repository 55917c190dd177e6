-- Per-record visibility (issue #23.4; Interview Assistant experience.visibility). 'private'
-- keeps a record to its owner: the access policy (src/access/mod.rs, shareable_sql) never lets
-- it, or anything under it, reach an organisation the owner shares the record with, nor the
-- snapshot a candidacy keeps; tailoring leaves it out. 'shared' (the default, and what every
-- existing row becomes) changes nothing.
alter table experiences add column visibility text not null default 'shared'
  check (visibility in ('shared', 'private'));
alter table projects add column visibility text not null default 'shared'
  check (visibility in ('shared', 'private'));
alter table star_stories add column visibility text not null default 'shared'
  check (visibility in ('shared', 'private'));
alter table bullets add column visibility text not null default 'shared'
  check (visibility in ('shared', 'private'));
