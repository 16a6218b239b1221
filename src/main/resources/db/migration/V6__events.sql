-- The event log: every state change is appended in the transaction that makes it, so an acknowledged
-- change always has its event (the audit log is this table). Reads (pulls) are appended in batches.
CREATE TABLE events (
  id ${id},
  at BIGINT NOT NULL,
  type TEXT NOT NULL,
  actor TEXT NOT NULL,
  client TEXT,
  request_id TEXT,
  repository ${name},
  digest TEXT,
  tag TEXT,
  media_type TEXT,
  target TEXT,
  detail TEXT
);
INSERT INTO events(at, type, actor, client, request_id, repository, digest, tag)
  SELECT at, action, actor, client, detail, repository, digest, tag FROM audit_log ORDER BY id;
DROP TABLE audit_log;
CREATE INDEX events_at ON events(at);
CREATE INDEX events_repository ON events(repository, id);
CREATE INDEX events_actor ON events(actor, id);
CREATE INDEX events_type ON events(type, id);

-- The outbox: one row per event a subscriber has yet to handle, written with the event. A subscriber
-- deletes its rows once handled, so nothing is skipped when transactions commit out of id order.
CREATE TABLE event_deliveries (
  subscriber TEXT NOT NULL,
  event_id BIGINT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  attempts INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (subscriber, event_id)
);

-- Named leases: which replica runs a singleton (an event subscriber, a scheduled job) until when.
CREATE TABLE leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  expires_at BIGINT NOT NULL
);
