create or replace view record_readers as
  select m.user_id as reader_id, s.user_id as owner_id
  from record_shares s
  join organization_members m on m.organization_id = s.organization_id
  where s.revoked_at is null and m.role in ('admin', 'recruiter')
  union
  select r.hiring_manager_id, s.user_id
  from record_shares s
  join candidates c on c.organization_id = s.organization_id and c.user_id = s.user_id
  join candidacies cy on cy.candidate_id = c.id
  join requisitions r on r.id = cy.requisition_id
  join organization_members m on m.organization_id = r.organization_id and m.user_id = r.hiring_manager_id
  where s.revoked_at is null
  union
  select p.user_id, s.user_id
  from record_shares s
  join candidates c on c.organization_id = s.organization_id and c.user_id = s.user_id
  join interviews i on i.candidate_id = c.id
  join interview_participants p on p.interview_id = i.id
  where s.revoked_at is null and i.status <> 'cancelled';
drop trigger users_deleted_revoke_tokens on users;
drop function users_deleted_revoke_tokens();
drop index users_inactive_idx;
alter table refresh_tokens drop constraint refresh_tokens_family_id_fkey;
drop table sessions;
