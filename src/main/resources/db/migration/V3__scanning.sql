-- Vulnerability database: advisories grouped by the source they were imported from. Importing a
-- source replaces all its advisories in one transaction; the version counts imports.
CREATE TABLE vulndb_sources (
  source ${name} PRIMARY KEY,
  format TEXT NOT NULL,
  advisories INTEGER NOT NULL,
  imported_at BIGINT NOT NULL,
  version BIGINT NOT NULL
);

CREATE TABLE vulndb_advisories (
  source ${name} NOT NULL REFERENCES vulndb_sources(source) ON DELETE CASCADE,
  id ${name} NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (source, id)
);

-- One row: the database version, bumped (under its row lock) by every import.
CREATE TABLE vulndb_state (
  id INTEGER PRIMARY KEY,
  version BIGINT NOT NULL
);
INSERT INTO vulndb_state(id, version) VALUES (1, 0);

-- Bill of materials of one layer, by the layer's digest: computed once, shared by every image.
CREATE TABLE layer_inventories (
  digest ${name} PRIMARY KEY,
  analyzer_version INTEGER NOT NULL,
  body TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

-- Scan result of one image manifest (one platform), by manifest digest.
CREATE TABLE image_scans (
  digest ${name} PRIMARY KEY,
  status TEXT NOT NULL,
  error TEXT,
  layers TEXT,
  history TEXT,
  os TEXT,
  vulndb_version BIGINT NOT NULL,
  critical INTEGER NOT NULL,
  major INTEGER NOT NULL,
  minor INTEGER NOT NULL,
  findings TEXT,
  scanned_at BIGINT NOT NULL,
  matched_at BIGINT NOT NULL
);

ALTER TABLE repositories ADD COLUMN scan_on_push BOOLEAN NOT NULL DEFAULT TRUE;
