drop table mbti_profiles;
drop table candidate_profiles;
