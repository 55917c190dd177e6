drop table requisition_skills;
drop table requisitions;
drop table catalog_role_skills;
drop table catalog_roles;
drop table organization_invitations;
drop table organization_members;
drop function organization_keeps_an_admin();
drop table organizations;
