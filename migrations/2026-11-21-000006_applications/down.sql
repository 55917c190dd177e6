drop table artifacts;
drop function assign_artifact_version();
drop table application_status_events;
drop table applications;
