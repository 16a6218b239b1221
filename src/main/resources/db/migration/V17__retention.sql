-- Pruning (tag retention) policies, one per repository. Globs are stored one per line, criteria as the
-- JSON array the REST API takes (policy.PolicyDefinition).
CREATE TABLE retention_policies (
  repository ${name} PRIMARY KEY REFERENCES repositories(name) ON DELETE CASCADE,
  tag_include TEXT NOT NULL,
  tag_exclude TEXT NOT NULL,
  keep_newest INTEGER NOT NULL,
  older_than_ms BIGINT,
  criteria TEXT NOT NULL,
  after_push BOOLEAN NOT NULL,
  interval_ms BIGINT,
  enabled BOOLEAN NOT NULL,
  updated_at BIGINT NOT NULL,
  updated_by TEXT NOT NULL
);
