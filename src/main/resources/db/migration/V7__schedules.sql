-- Periodic jobs. next_run_at is the whole coordination between replicas: a replica claims a period
-- by moving it forward in the transaction that queues the job, so each period queues one job.
CREATE TABLE schedules (
  name ${name} PRIMARY KEY,
  kind TEXT NOT NULL,
  interval_ms BIGINT NOT NULL,
  next_run_at BIGINT NOT NULL,
  last_run_at BIGINT,
  last_job_id BIGINT
);
