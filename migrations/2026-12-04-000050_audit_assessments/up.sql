-- The assessment tables came after the audit log's migration: they get its trigger here, like
-- every table of user data (docs/domain.md §8). A session's secret hash never enters the log.
select audit_table('job_descriptions');
select audit_table('question_sets');
select audit_table('questions');
select audit_table('assessments');
select audit_table('assessment_invitations');
select audit_table('assessment_applications');
select audit_table('test_sessions', array['secret_hash']);
select audit_table('test_answers');
