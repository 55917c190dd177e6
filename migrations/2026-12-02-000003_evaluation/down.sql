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
  where s.revoked_at is null;
drop table interview_feedback;
drop function interview_feedback_stays_final();
drop table interview_participants;
drop function interview_participant_takes_time();
drop function interview_time(interviews);
drop table interviews;
drop function interview_moves_participants();
drop extension if exists btree_gist;
alter table candidacies drop constraint candidacies_interview_key;
drop table candidacy_notes;
