-- The hiring side, part three (docs/domain.md §6): the hiring team's evaluation of a candidacy
-- (Assist-Ten ApplicationNote, InterviewSession, InterviewFeedback). Who reads and changes each
-- table is the access policy's (src/access/mod.rs).

-- Notes on a candidacy by its hiring team. A private note is read by its author alone.
create table candidacy_notes (
  id uuid primary key,
  organization_id uuid not null,
  candidacy_id uuid not null,
  -- The member who wrote it; null once they have left the organisation (a private note then
  -- has no reader left).
  author_member_id uuid references organization_members (id) on delete set null,
  body text not null check (char_length(body) between 1 and 10000),
  note_type text not null default 'general' check (note_type in ('general', 'follow_up', 'red_flag')),
  is_private boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  foreign key (candidacy_id, organization_id) references candidacies (id, organization_id) on delete cascade
);
create index candidacy_notes_candidacy_idx on candidacy_notes (candidacy_id, created_at);
create index candidacy_notes_author_idx on candidacy_notes (author_member_id);
create trigger candidacy_notes_set_updated_at before update on candidacy_notes
  for each row execute function set_updated_at();

-- An interview keeps its candidate and requisition (Assist-Ten's fields) next to its
-- candidacy; this key lets one foreign key hold all three together.
alter table candidacies
  add constraint candidacies_interview_key unique (id, organization_id, candidate_id, requisition_id);

create table interviews (
  id uuid primary key,
  organization_id uuid not null,
  candidacy_id uuid not null,
  candidate_id uuid not null,
  requisition_id uuid not null,
  interview_type text not null check (interview_type in ('technical', 'behavioral', 'cultural', 'panel')),
  interview_mode text not null check (interview_mode in ('video', 'phone', 'in_person', 'ai')),
  scheduled_at timestamptz not null,
  duration_minutes integer not null check (duration_minutes between 5 and 480),
  -- The IANA time zone the interview is arranged in ("Europe/Berlin"), for showing local times.
  time_zone text not null check (char_length(time_zone) between 1 and 64),
  status text not null default 'scheduled'
    check (status in ('scheduled', 'in_progress', 'completed', 'cancelled', 'no_show')),
  started_at timestamptz,
  ended_at timestamptz,
  actual_duration_minutes integer check (actual_duration_minutes >= 0),
  preparation_notes text,
  question_guide text,
  meeting_link text,
  meeting_room text,
  meeting_notes text,
  cancellation_reason text,
  reminder_sent boolean not null default false,
  scheduled_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((status = 'cancelled') = (cancellation_reason is not null)),
  check (ended_at is null or (started_at is not null and ended_at >= started_at)),
  foreign key (candidacy_id, organization_id, candidate_id, requisition_id)
    references candidacies (id, organization_id, candidate_id, requisition_id) on delete cascade,
  unique (id, organization_id),
  unique (id, candidacy_id, organization_id)
);
create index interviews_candidacy_idx on interviews (candidacy_id, scheduled_at);
create index interviews_candidate_idx on interviews (candidate_id);
create index interviews_requisition_idx on interviews (requisition_id);
create trigger interviews_set_updated_at before update on interviews
  for each row execute function set_updated_at();

-- One row per interviewer of an interview (the lead and the additional ones), each a member
-- of the interview's organisation (leaving it takes them off its interviews). Each row holds a
-- copy of its interview's time (`during`) and whether it still takes that time (`active`: not
-- cancelled), kept by the triggers below, so that the exclusion constraint can refuse one
-- person two overlapping interviews, in any organisations, even under concurrent bookings.
create extension if not exists btree_gist;

create table interview_participants (
  id uuid primary key,
  organization_id uuid not null,
  interview_id uuid not null,
  user_id uuid not null,
  is_lead boolean not null default false,
  during tstzrange not null,
  active boolean not null,
  created_at timestamptz not null default now(),
  foreign key (interview_id, organization_id) references interviews (id, organization_id) on delete cascade,
  foreign key (organization_id, user_id) references organization_members (organization_id, user_id) on delete cascade,
  unique (interview_id, user_id),
  constraint interview_participants_no_overlap
    exclude using gist (user_id with =, during with &&) where (active)
);
create unique index interview_participants_lead_idx on interview_participants (interview_id) where is_lead;
create index interview_participants_user_idx on interview_participants (user_id, interview_id);

create function interview_time(interview interviews) returns tstzrange language sql stable as $$
  select tstzrange(interview.scheduled_at, interview.scheduled_at + interview.duration_minutes * interval '1 minute')
$$;

create function interview_participant_takes_time() returns trigger language plpgsql as $$
begin
  select interview_time(i), i.status <> 'cancelled' into new.during, new.active
  from interviews i where i.id = new.interview_id;
  return new;
end
$$;
create trigger interview_participants_take_time before insert on interview_participants
  for each row execute function interview_participant_takes_time();

create function interview_moves_participants() returns trigger language plpgsql as $$
begin
  update interview_participants
  set during = interview_time(new), active = new.status <> 'cancelled'
  where interview_id = new.id;
  return null;
end
$$;
create trigger interviews_move_participants after update of scheduled_at, duration_minutes, status on interviews
  for each row execute function interview_moves_participants();

-- One evaluation per interview and interviewer. A draft changes freely; once final
-- (`is_final`, `submitted_at` set) it never changes again.
create table interview_feedback (
  id uuid primary key,
  organization_id uuid not null,
  interview_id uuid not null,
  -- The interview's candidacy, for the rule that an interviewer reads colleagues' feedback on
  -- the same candidacy once their own is final.
  candidacy_id uuid not null,
  -- The member who gives it; null once they have left the organisation.
  interviewer_member_id uuid references organization_members (id) on delete set null,
  overall_rating integer check (overall_rating between 1 and 5),
  recommendation text check (recommendation in ('strong_hire', 'hire', 'maybe', 'no_hire')),
  technical_skills_rating integer check (technical_skills_rating between 1 and 5),
  communication_rating integer check (communication_rating between 1 and 5),
  problem_solving_rating integer check (problem_solving_rating between 1 and 5),
  culture_fit_rating integer check (culture_fit_rating between 1 and 5),
  -- [{"skill": "Rust", "rating": 4}, …]
  skills_evaluated jsonb not null default '[]' check (jsonb_typeof(skills_evaluated) = 'array'),
  strengths text,
  weaknesses text,
  detailed_notes text,
  questions_asked text[] not null default '{}',
  requires_second_round boolean not null default false,
  follow_up_notes text,
  is_final boolean not null default false,
  submitted_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (is_final = (submitted_at is not null)),
  check (not is_final or (overall_rating is not null and recommendation is not null)),
  foreign key (interview_id, candidacy_id, organization_id)
    references interviews (id, candidacy_id, organization_id) on delete cascade,
  unique (interview_id, interviewer_member_id)
);
create index interview_feedback_candidacy_idx on interview_feedback (candidacy_id);
create index interview_feedback_interviewer_idx on interview_feedback (interviewer_member_id);
create trigger interview_feedback_set_updated_at before update on interview_feedback
  for each row execute function set_updated_at();

-- Final feedback is immutable whatever writes to it; only the interviewer's reference may go
-- (to null, when they leave the organisation).
create function interview_feedback_stays_final() returns trigger language plpgsql as $$
begin
  if old.is_final and (to_jsonb(new) - 'interviewer_member_id' - 'updated_at')
                      is distinct from (to_jsonb(old) - 'interviewer_member_id' - 'updated_at') then
    raise exception 'final feedback cannot change'
      using errcode = 'check_violation', constraint = 'interview_feedback_final';
  end if;
  return new;
end
$$;
create trigger interview_feedback_final before update on interview_feedback
  for each row execute function interview_feedback_stays_final();

-- The interviewers on a (not cancelled) interview of a candidate read the record the candidate
-- shares with the organisation, like its admins, recruiters and hiring managers.
create or replace view record_readers as
  select m.user_id as reader_id, s.user_id as owner_id
  from record_shares s
  join organization_members m on m.organization_id = s.organization_id
  where s.revoked_at is null and m.role in ('admin', 'recruiter')
  union
  select r.hiring_manager_id, s.user_id
  from record_shares s
  join candidates c on c.organization_id = s.organization_id and c.user_id = s.user_id
  join candidacies cy on cy.candidate_id = c.id
  join requisitions r on r.id = cy.requisition_id
  join organization_members m on m.organization_id = r.organization_id and m.user_id = r.hiring_manager_id
  where s.revoked_at is null
  union
  select p.user_id, s.user_id
  from record_shares s
  join candidates c on c.organization_id = s.organization_id and c.user_id = s.user_id
  join interviews i on i.candidate_id = c.id
  join interview_participants p on p.interview_id = i.id
  where s.revoked_at is null and i.status <> 'cancelled';
