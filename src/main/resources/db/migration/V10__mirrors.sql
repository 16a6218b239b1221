-- Pull mirrors: an upstream repository copied into a local one. The upstream password is sealed with
-- the master key (never stored or returned in clear).
CREATE TABLE mirrors (
  id ${id},
  target ${name} NOT NULL UNIQUE,
  registry TEXT NOT NULL,
  upstream_repository TEXT NOT NULL,
  interval_ms BIGINT NOT NULL,
  enabled BOOLEAN NOT NULL,
  tag_include TEXT NOT NULL,
  tag_exclude TEXT NOT NULL,
  tag_regex TEXT,
  tag_semver TEXT,
  tag_newest INTEGER NOT NULL,
  platforms TEXT NOT NULL,
  tag_template TEXT NOT NULL,
  username TEXT,
  password_sealed ${bytes},
  created_at BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);

-- One row per run (job attempt), updated as it goes: the API's progress and history.
CREATE TABLE mirror_runs (
  id ${id},
  mirror_id BIGINT NOT NULL REFERENCES mirrors(id) ON DELETE CASCADE,
  job_id BIGINT NOT NULL,
  state TEXT NOT NULL,
  started_at BIGINT NOT NULL,
  finished_at BIGINT,
  waiting_until BIGINT,
  tags_seen INTEGER NOT NULL DEFAULT 0,
  tags_selected INTEGER NOT NULL DEFAULT 0,
  tags_added INTEGER NOT NULL DEFAULT 0,
  tags_updated INTEGER NOT NULL DEFAULT 0,
  tags_unchanged INTEGER NOT NULL DEFAULT 0,
  tags_failed INTEGER NOT NULL DEFAULT 0,
  bytes BIGINT NOT NULL DEFAULT 0,
  requests BIGINT NOT NULL DEFAULT 0,
  budget_limit BIGINT,
  budget_remaining BIGINT,
  message TEXT
);
CREATE INDEX mirror_runs_mirror ON mirror_runs(mirror_id, id);

-- What each upstream tag was last copied as: a HEAD that answers the same digest costs no GET.
CREATE TABLE mirror_tags (
  mirror_id BIGINT NOT NULL REFERENCES mirrors(id) ON DELETE CASCADE,
  tag TEXT NOT NULL,
  upstream_digest TEXT NOT NULL,
  local_digest TEXT NOT NULL,
  copied_at BIGINT NOT NULL,
  PRIMARY KEY (mirror_id, tag)
);
