drop trigger if exists audit_change on test_answers;
drop trigger if exists audit_change on test_sessions;
drop trigger if exists audit_change on assessment_applications;
drop trigger if exists audit_change on assessment_invitations;
drop trigger if exists audit_change on assessments;
drop trigger if exists audit_change on questions;
drop trigger if exists audit_change on question_sets;
drop trigger if exists audit_change on job_descriptions;
