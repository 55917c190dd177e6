drop table test_answers;
drop table test_sessions;
drop table assessment_applications;
drop table assessment_invitations;
drop table assessments;
drop table questions;
drop table question_sets;
drop table job_descriptions;
