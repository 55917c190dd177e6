drop table critic_logs;
drop table approved_outputs;
