-- Garbage collection runs (one per job, updated as it goes): the API's progress and history. Per-namespace
-- figures are a small JSON object; the totals are columns.
CREATE TABLE gc_runs (
  id ${id},
  job_id BIGINT NOT NULL UNIQUE,
  state TEXT NOT NULL,
  dry_run BOOLEAN NOT NULL,
  delete_untagged BOOLEAN NOT NULL,
  phase TEXT,
  requested_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  started_at BIGINT,
  finished_at BIGINT,
  manifests BIGINT NOT NULL DEFAULT 0,
  links BIGINT NOT NULL DEFAULT 0,
  blobs BIGINT NOT NULL DEFAULT 0,
  bytes BIGINT NOT NULL DEFAULT 0,
  orphan_files BIGINT NOT NULL DEFAULT 0,
  orphan_bytes BIGINT NOT NULL DEFAULT 0,
  uploads BIGINT NOT NULL DEFAULT 0,
  namespaces TEXT NOT NULL DEFAULT '{}',
  message TEXT
);
