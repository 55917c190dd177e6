drop table candidacy_notes;
