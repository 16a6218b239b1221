-- Persistent background jobs (scans, imports, later mirroring, GC, pruning, webhooks). A job is claimed
-- with a lease; a replica that dies loses its lease and the job runs again elsewhere.
CREATE TABLE jobs (
  id ${id},
  kind TEXT NOT NULL,
  subject ${name} NOT NULL,
  payload TEXT,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  max_attempts INTEGER NOT NULL,
  run_after BIGINT NOT NULL,
  locked_by TEXT,
  locked_until BIGINT,
  progress_done BIGINT NOT NULL,
  progress_total BIGINT NOT NULL,
  message TEXT,
  created_at BIGINT NOT NULL,
  started_at BIGINT,
  finished_at BIGINT
);
CREATE INDEX jobs_ready ON jobs(state, run_after);
CREATE INDEX jobs_kind_subject ON jobs(kind, subject);
-- At most one pending or running job per kind and subject: enqueueing twice is idempotent.
CREATE UNIQUE INDEX jobs_one_active ON jobs(kind, subject) WHERE state IN ('queued', 'running');
