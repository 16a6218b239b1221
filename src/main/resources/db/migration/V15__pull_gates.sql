-- Pull gates: one per scope (the registry, a namespace, a repository); scope_name is '' for the registry.
CREATE TABLE pull_gates (
  scope TEXT NOT NULL,
  scope_name ${name} NOT NULL,
  min_severity TEXT,
  refuse_unscanned BOOLEAN NOT NULL,
  updated_by TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (scope, scope_name)
);

-- Accepted risks: a vulnerability id (optionally in one package) that does not count until expires_at.
CREATE TABLE cve_allowlist (
  id ${id},
  scope TEXT NOT NULL,
  scope_name ${name} NOT NULL,
  vulnerability_id TEXT NOT NULL,
  package_name TEXT,
  expires_at BIGINT NOT NULL,
  justification TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX cve_allowlist_scope ON cve_allowlist(scope, scope_name);
