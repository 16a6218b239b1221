-- Registry metadata. Placeholders keep one schema for SQLite and PostgreSQL:
-- ${name} is text compared bytewise (lexical order for pagination), ${bytes} binary, ${id} a generated key.

CREATE TABLE repositories (
  name ${name} PRIMARY KEY,
  created_at BIGINT NOT NULL
);

-- One row per stored blob. Creating or deleting the blob's bytes happens only under this row's lock.
CREATE TABLE blobs (
  digest ${name} PRIMARY KEY,
  size BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE repository_blobs (
  repository ${name} NOT NULL REFERENCES repositories(name) ON DELETE CASCADE,
  digest ${name} NOT NULL REFERENCES blobs(digest),
  created_at BIGINT NOT NULL,
  PRIMARY KEY (repository, digest)
);
CREATE INDEX repository_blobs_digest ON repository_blobs(digest);

CREATE TABLE manifests (
  repository ${name} NOT NULL REFERENCES repositories(name) ON DELETE CASCADE,
  digest ${name} NOT NULL,
  media_type TEXT NOT NULL,
  artifact_type TEXT,
  subject ${name},
  size BIGINT NOT NULL,
  payload ${bytes} NOT NULL,
  annotations TEXT,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (repository, digest)
);
CREATE INDEX manifests_subject ON manifests(repository, subject);

-- What a manifest needs: blobs (config, layers) and child manifests (index entries).
CREATE TABLE manifest_references (
  repository ${name} NOT NULL,
  digest ${name} NOT NULL,
  child ${name} NOT NULL,
  child_is_manifest BOOLEAN NOT NULL,
  PRIMARY KEY (repository, digest, child),
  FOREIGN KEY (repository, digest) REFERENCES manifests(repository, digest) ON DELETE CASCADE
);
CREATE INDEX manifest_references_child ON manifest_references(child);

CREATE TABLE tags (
  repository ${name} NOT NULL,
  name ${name} NOT NULL,
  digest ${name} NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (repository, name),
  FOREIGN KEY (repository, digest) REFERENCES manifests(repository, digest) ON DELETE CASCADE
);
CREATE INDEX tags_digest ON tags(repository, digest);

CREATE TABLE uploads (
  id ${name} PRIMARY KEY,
  repository ${name} NOT NULL,
  started_at BIGINT NOT NULL,
  touched_at BIGINT NOT NULL
);

CREATE TABLE audit_log (
  id ${id},
  at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  repository TEXT,
  digest TEXT,
  tag TEXT,
  client TEXT,
  detail TEXT
);
CREATE INDEX audit_log_at ON audit_log(at);

-- Named secrets (token signing keys, upstream credentials), encrypted by the application before storage.
CREATE TABLE secrets (
  name ${name} PRIMARY KEY,
  value ${bytes} NOT NULL,
  updated_at BIGINT NOT NULL
);
