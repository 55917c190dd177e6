-- Proctoring (#17 item 5, Assist-Ten ProctoringEvent): what a test client noticed during an
-- open test session (another face, no face, the tab left...), posted with the session's secret,
-- and the hiring team's review of it. The organisation is the tenant key the access policy
-- decides from; the session's (session, organisation) pair keeps an event in its session's
-- organisation.
create table proctoring_events (
  id uuid primary key,
  organization_id uuid not null,
  session_id uuid not null,
  event_type text not null
    check (event_type in ('multiple_faces', 'no_face', 'tab_switch', 'window_blur', 'copy_paste', 'other')),
  severity text not null check (severity in ('low', 'medium', 'high', 'critical')),
  detected_at timestamptz not null,
  duration_seconds integer check (duration_seconds between 0 and 86400),
  question_id uuid references questions (id) on delete set null,
  snapshot_url text check (char_length(snapshot_url) <= 2048),
  metadata jsonb not null default '{}' check (jsonb_typeof(metadata) = 'object'),
  reviewed boolean not null default false,
  reviewed_by uuid references users (id) on delete set null,
  reviewed_at timestamptz,
  reviewer_notes text check (char_length(reviewer_notes) <= 5000),
  flagged boolean not null default false,
  created_at timestamptz not null default now(),
  check (reviewed = (reviewed_at is not null)),
  foreign key (session_id, organization_id) references test_sessions (id, organization_id) on delete cascade
);
-- A session's events by severity (its summary), and in time order (its list).
create index proctoring_events_session_severity_idx on proctoring_events (session_id, severity);
create index proctoring_events_session_time_idx on proctoring_events (session_id, detected_at);
select audit_table('proctoring_events');
