-- Events are delivered in an order that every server copy agrees on and that never goes back:
-- by (txid, seq), and only once every transaction that could still add an earlier event has
-- ended (its txid is below the oldest running transaction, pg_snapshot_xmin). Identity values
-- alone are handed out at insert, not at commit, so ordering by them lost events whenever two
-- transactions committed in the other order.

-- The writing transaction's id, as bigint (xid8 is 64-bit and never wraps).
alter table application_status_events
  add column txid bigint not null default (pg_current_xact_id()::text::bigint);
create index application_status_events_user_position_idx
  on application_status_events (user_id, txid, seq);

-- Every event, written in the transaction of the change it announces (a transactional outbox).
-- NOTIFY only wakes the listeners; they read the outbox in (txid, seq) order. Rows are a
-- delivery queue, not history (status history is application_status_events): they are pruned
-- after a day.
create table event_outbox (
  seq bigint generated always as identity primary key,
  txid bigint not null default (pg_current_xact_id()::text::bigint),
  payload jsonb not null,
  created_at timestamptz not null default now()
);
create index event_outbox_position_idx on event_outbox (txid, seq);
create index event_outbox_created_at_idx on event_outbox (created_at);
