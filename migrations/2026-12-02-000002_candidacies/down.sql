drop view record_readers;
drop table record_shares;
drop table candidacy_events;
drop table candidacies;
drop table candidates;
