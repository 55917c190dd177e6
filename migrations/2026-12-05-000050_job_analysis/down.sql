drop table job_selected_skills;
drop table job_analyses;
