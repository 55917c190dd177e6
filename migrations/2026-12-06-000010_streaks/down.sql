alter table users
  drop column login_streak,
  drop column login_streak_max,
  drop column last_login_date,
  drop column quiz_streak,
  drop column quiz_streak_max,
  drop column last_quiz_date;
