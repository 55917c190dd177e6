alter table bullets drop column visibility;
alter table star_stories drop column visibility;
alter table projects drop column visibility;
alter table experiences drop column visibility;
