-- Storage quotas per namespace (the first component of repository names). Usage is not stored:
-- it is read from repository_blobs, so it cannot drift from what the namespace links.
CREATE TABLE quotas (
  namespace ${name} PRIMARY KEY,
  limit_bytes BIGINT NOT NULL,
  warn_percent INTEGER NOT NULL,
  updated_at BIGINT NOT NULL,
  updated_by TEXT NOT NULL
);
