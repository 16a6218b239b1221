-- Webhooks: subscriptions of a scope (the whole registry, a namespace, a repository) to event types,
-- their signing secrets and the log of their deliveries (docs/webhooks.md).
CREATE TABLE webhooks (
  id ${id},
  scope TEXT NOT NULL,
  -- The namespace or repository; '' for a global webhook.
  scope_name ${name} NOT NULL,
  url TEXT NOT NULL,
  -- Comma-separated event type wire names; NULL for every deliverable type, those added later included.
  event_types TEXT,
  format TEXT NOT NULL,
  description TEXT,
  enabled BOOLEAN NOT NULL,
  disabled_reason TEXT,
  disabled_at BIGINT,
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  failing_since BIGINT,
  last_success_at BIGINT,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX webhooks_scope ON webhooks(scope, scope_name);

-- Sealed with the master key. The current secret has no expiry; after a rotation the previous one keeps
-- signing (a second signature) until expires_at.
CREATE TABLE webhook_secrets (
  id ${id},
  webhook_id BIGINT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
  sealed ${bytes} NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT
);
CREATE INDEX webhook_secrets_webhook ON webhook_secrets(webhook_id);

-- One row per message to one webhook: queued by the fan-out in the transaction that hands it the event,
-- claimed with a lease by a sender, updated by every attempt. Within a lane (one webhook, one repository)
-- only the oldest pending row may be sent, so a receiver sees a repository's events in order.
CREATE TABLE webhook_deliveries (
  id ${id},
  webhook_id BIGINT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
  event_id BIGINT REFERENCES events(id) ON DELETE CASCADE,
  event_type TEXT NOT NULL,
  lane ${name} NOT NULL,
  redelivery_of BIGINT,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  locked_by TEXT,
  locked_until BIGINT,
  created_at BIGINT NOT NULL,
  first_attempt_at BIGINT,
  last_attempt_at BIGINT,
  finished_at BIGINT,
  request_headers TEXT,
  request_body TEXT,
  response_status INTEGER,
  response_body TEXT,
  duration_ms BIGINT,
  error TEXT
);
-- The fan-out is at least once: a redelivered batch finds its rows already there.
CREATE UNIQUE INDEX webhook_deliveries_once ON webhook_deliveries(webhook_id, event_id) WHERE redelivery_of IS NULL;
CREATE INDEX webhook_deliveries_lane ON webhook_deliveries(webhook_id, lane, id) WHERE state = 'pending';
-- In the claim's order: with the id in the index, PostgreSQL stops after the first due lane heads instead
-- of sorting every delivery queued at the same millisecond.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_log ON webhook_deliveries(webhook_id, id);
CREATE INDEX webhook_deliveries_finished ON webhook_deliveries(finished_at);
