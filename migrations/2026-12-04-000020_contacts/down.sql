drop table contacts;
