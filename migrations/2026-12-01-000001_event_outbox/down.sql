drop table event_outbox;
drop index application_status_events_user_position_idx;
alter table application_status_events drop column txid;
