drop table proctoring_events;
