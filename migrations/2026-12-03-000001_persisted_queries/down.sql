drop table persisted_queries;
