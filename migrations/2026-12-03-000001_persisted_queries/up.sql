-- Automatic persisted queries (Apollo APQ): documents clients registered by their SHA-256, so a
-- client may send the hash alone. Kept in the database so that every server copy behind one
-- load balancer knows a document as soon as any copy has seen it. Not user data: a document
-- holds no variables, and anyone may register any document.
create table persisted_queries (
  -- The document's SHA-256 in lower-case hex, as Apollo Client sends it.
  sha256 text primary key check (sha256 ~ '^[0-9a-f]{64}$'),
  document text not null,
  created_at timestamptz not null default now()
);
