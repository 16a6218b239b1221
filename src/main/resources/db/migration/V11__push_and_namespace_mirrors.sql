-- Push mirrors (a local repository copied out to another registry) and namespace pull mirrors (every
-- repository under an upstream namespace) share the mirrors, their runs and copied-tag records.
-- "target" is the local side: the repository (or, for a namespace mirror, the namespace) copied into
-- by a pull mirror, the repository copied from by a push mirror. A repository may now have a pull
-- mirror and push mirrors, so the column-level UNIQUE(target) of V10 goes; SQLite cannot drop a
-- constraint, so the three tables are rebuilt (children copied aside first: dropping "mirrors" would
-- cascade to them) and the ids kept (schedules and jobs name mirrors by id).
CREATE TABLE mirrors_v11 (
  id ${id},
  direction TEXT NOT NULL,
  namespace BOOLEAN NOT NULL,
  target ${name} NOT NULL,
  registry TEXT NOT NULL,
  upstream_repository TEXT NOT NULL,
  repository_filter TEXT,
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
INSERT INTO mirrors_v11(id, direction, namespace, target, registry, upstream_repository, repository_filter,
    interval_ms, enabled, tag_include, tag_exclude, tag_regex, tag_semver, tag_newest, platforms, tag_template,
    username, password_sealed, created_at, created_by, updated_at)
  SELECT id, 'pull', FALSE, target, registry, upstream_repository, NULL, interval_ms, enabled, tag_include,
    tag_exclude, tag_regex, tag_semver, tag_newest, platforms, tag_template, username, password_sealed, created_at,
    created_by, updated_at FROM mirrors;

CREATE TABLE mirror_runs_v11 (
  id ${id},
  mirror_id BIGINT NOT NULL REFERENCES mirrors_v11(id) ON DELETE CASCADE,
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
  repositories INTEGER NOT NULL DEFAULT 0,
  blobs_mounted INTEGER NOT NULL DEFAULT 0,
  bytes BIGINT NOT NULL DEFAULT 0,
  requests BIGINT NOT NULL DEFAULT 0,
  budget_limit BIGINT,
  budget_remaining BIGINT,
  message TEXT
);
INSERT INTO mirror_runs_v11(id, mirror_id, job_id, state, started_at, finished_at, waiting_until, tags_seen,
    tags_selected, tags_added, tags_updated, tags_unchanged, tags_failed, bytes, requests, budget_limit,
    budget_remaining, message)
  SELECT id, mirror_id, job_id, state, started_at, finished_at, waiting_until, tags_seen, tags_selected, tags_added,
    tags_updated, tags_unchanged, tags_failed, bytes, requests, budget_limit, budget_remaining, message
  FROM mirror_runs;

-- "repository" is the upstream repository of a namespace mirror ('' for the others): each has its tags.
CREATE TABLE mirror_tags_v11 (
  mirror_id BIGINT NOT NULL REFERENCES mirrors_v11(id) ON DELETE CASCADE,
  repository TEXT NOT NULL,
  tag TEXT NOT NULL,
  upstream_digest TEXT NOT NULL,
  local_digest TEXT NOT NULL,
  copied_at BIGINT NOT NULL,
  PRIMARY KEY (mirror_id, repository, tag)
);
INSERT INTO mirror_tags_v11(mirror_id, repository, tag, upstream_digest, local_digest, copied_at)
  SELECT mirror_id, '', tag, upstream_digest, local_digest, copied_at FROM mirror_tags;

DROP TABLE mirror_tags;
DROP TABLE mirror_runs;
DROP TABLE mirrors;
ALTER TABLE mirrors_v11 RENAME TO mirrors;
ALTER TABLE mirror_runs_v11 RENAME TO mirror_runs;
ALTER TABLE mirror_tags_v11 RENAME TO mirror_tags;
${mirrors_id_resync};
CREATE INDEX mirror_runs_mirror ON mirror_runs(mirror_id, id);
-- One pull mirror per local repository (or namespace); one push mirror per source and remote repository.
CREATE UNIQUE INDEX mirrors_pull_target ON mirrors(target) WHERE direction = 'pull';
CREATE UNIQUE INDEX mirrors_push_remote ON mirrors(target, registry, upstream_repository) WHERE direction = 'push';

-- Blobs push mirrors put on a remote registry, by repository: a later push of the same blob to another
-- repository of that registry mounts it from there instead of uploading it again.
CREATE TABLE mirror_pushed_blobs (
  registry TEXT NOT NULL,
  digest TEXT NOT NULL,
  repository TEXT NOT NULL,
  pushed_at BIGINT NOT NULL,
  PRIMARY KEY (registry, digest, repository)
);
