-- Streaks (#17 item 7, Assist-Ten User's login and quiz streaks): runs of consecutive days
-- (UTC) on which the user signed in, and on which they completed a test session while signed
-- in, each with its longest run and the last day counted. Kept on the account's row: they are
-- the account's, audited with it, and erased with it.
alter table users
  add column login_streak integer not null default 0 check (login_streak >= 0),
  add column login_streak_max integer not null default 0 check (login_streak_max >= login_streak),
  add column last_login_date date,
  add column quiz_streak integer not null default 0 check (quiz_streak >= 0),
  add column quiz_streak_max integer not null default 0 check (quiz_streak_max >= quiz_streak),
  add column last_quiz_date date;
