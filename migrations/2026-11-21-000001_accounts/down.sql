drop table refresh_tokens;
drop table users;
drop function set_updated_at();
