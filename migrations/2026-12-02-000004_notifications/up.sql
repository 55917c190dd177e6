-- Notifications (docs/domain.md §6; Assist-Ten Notification): what the hiring side tells a
-- person, written in the transaction of the change that causes it (an interview booked or
-- called off, a candidacy moved or withdrawn, feedback submitted, an invitation sent). Each row
-- belongs to its recipient alone (the access policy's owner rule).
create table notifications (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  notification_type text not null
    check (notification_type in ('system', 'assessment', 'interview', 'application', 'proctoring')),
  priority text not null default 'normal' check (priority in ('low', 'normal', 'high', 'urgent')),
  title text not null check (char_length(title) between 1 and 200),
  message text not null check (char_length(message) between 1 and 2000),
  -- What it is about: the GraphQL type name and row id of an object (a global id together),
  -- which the recipient may or may not be allowed to read.
  related_entity_type text check (char_length(related_entity_type) between 1 and 64),
  related_entity_id uuid,
  action_url text check (char_length(action_url) between 1 and 2000),
  is_read boolean not null default false,
  read_at timestamptz,
  is_archived boolean not null default false,
  created_at timestamptz not null default now(),
  check (is_read = (read_at is not null)),
  check ((related_entity_type is null) = (related_entity_id is null))
);
-- The recipient's list, newest first, and the unread count (Assist-Ten's (user_id, is_read)).
create index notifications_user_idx on notifications (user_id, is_archived, created_at desc, id desc);
create index notifications_unread_idx on notifications (user_id) where not is_read and not is_archived;
