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
