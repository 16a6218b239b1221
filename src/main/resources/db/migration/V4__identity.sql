-- Identity and access control: users, organizations, teams, repository permissions, robots, tokens.
-- Users and organizations share one namespace (the first component of a repository path), so both
-- hang off namespaces and a user can never take an organization's name or the other way round.
CREATE TABLE namespaces (
  name ${name} PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('user', 'organization'))
);

CREATE TABLE users (
  name ${name} PRIMARY KEY REFERENCES namespaces(name),
  display_name TEXT,
  email TEXT,
  -- Argon2id PHC string; null for users who log in through an external directory only.
  password_hash TEXT,
  system_admin BOOLEAN NOT NULL DEFAULT FALSE,
  source TEXT NOT NULL CHECK (source IN ('local', 'ldap', 'oidc')),
  external_id TEXT,
  disabled BOOLEAN NOT NULL DEFAULT FALSE,
  created_at BIGINT NOT NULL,
  last_login_at BIGINT
);
CREATE UNIQUE INDEX users_external_id ON users(source, external_id) WHERE external_id IS NOT NULL;

CREATE TABLE organizations (
  name ${name} PRIMARY KEY REFERENCES namespaces(name),
  description TEXT,
  created_at BIGINT NOT NULL
);

CREATE TABLE organization_admins (
  organization ${name} NOT NULL REFERENCES organizations(name) ON DELETE CASCADE,
  username ${name} NOT NULL REFERENCES users(name) ON DELETE CASCADE,
  PRIMARY KEY (organization, username)
);
CREATE INDEX organization_admins_username ON organization_admins(username);

CREATE TABLE teams (
  organization ${name} NOT NULL REFERENCES organizations(name) ON DELETE CASCADE,
  name ${name} NOT NULL,
  description TEXT,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (organization, name)
);

-- synced: the membership comes from an external directory group and is removed when the user leaves
-- that group; memberships added by hand are never touched by synchronisation.
CREATE TABLE team_members (
  organization ${name} NOT NULL,
  team ${name} NOT NULL,
  username ${name} NOT NULL REFERENCES users(name) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('member', 'admin')),
  synced BOOLEAN NOT NULL DEFAULT FALSE,
  PRIMARY KEY (organization, team, username),
  FOREIGN KEY (organization, team) REFERENCES teams(organization, name) ON DELETE CASCADE
);
CREATE INDEX team_members_username ON team_members(username);

ALTER TABLE repositories ADD COLUMN visibility TEXT NOT NULL DEFAULT 'private';
ALTER TABLE repositories ADD COLUMN description TEXT;
CREATE INDEX repositories_public ON repositories(visibility) WHERE visibility = 'public';

-- Permissions name the repository rather than reference its row: they may be granted before the
-- first push creates it ("team ci may push acme/app").
CREATE TABLE team_repository_permissions (
  organization ${name} NOT NULL,
  team ${name} NOT NULL,
  repository ${name} NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('read', 'read-write', 'admin')),
  PRIMARY KEY (organization, team, repository),
  FOREIGN KEY (organization, team) REFERENCES teams(organization, name) ON DELETE CASCADE
);
CREATE INDEX team_repository_permissions_repository ON team_repository_permissions(repository);

CREATE TABLE user_repository_grants (
  username ${name} NOT NULL REFERENCES users(name) ON DELETE CASCADE,
  repository ${name} NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('read', 'read-write', 'admin')),
  PRIMARY KEY (username, repository)
);
CREATE INDEX user_repository_grants_repository ON user_repository_grants(repository);

-- Robot accounts belong to an organization; name is 'org+robot'. Secrets are stored as SHA-256 hex.
CREATE TABLE robots (
  name ${name} PRIMARY KEY,
  organization ${name} NOT NULL REFERENCES organizations(name) ON DELETE CASCADE,
  description TEXT,
  secret_hash TEXT NOT NULL,
  expires_at BIGINT,
  disabled BOOLEAN NOT NULL DEFAULT FALSE,
  created_at BIGINT NOT NULL,
  last_used_at BIGINT
);
CREATE INDEX robots_organization ON robots(organization);

CREATE TABLE robot_repository_grants (
  robot ${name} NOT NULL REFERENCES robots(name) ON DELETE CASCADE,
  repository ${name} NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('pull', 'push', 'delete')),
  PRIMARY KEY (robot, repository, action)
);

CREATE TABLE personal_access_tokens (
  id ${name} PRIMARY KEY,
  owner ${name} NOT NULL REFERENCES users(name) ON DELETE CASCADE,
  name TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  scope TEXT NOT NULL CHECK (scope IN ('read', 'read-write')),
  created_at BIGINT NOT NULL,
  expires_at BIGINT,
  revoked_at BIGINT,
  last_used_at BIGINT
);
CREATE INDEX personal_access_tokens_owner ON personal_access_tokens(owner);

-- External directory group (LDAP group, OIDC groups claim value) whose members join a team.
CREATE TABLE external_group_mappings (
  group_name TEXT NOT NULL,
  organization ${name} NOT NULL,
  team ${name} NOT NULL,
  PRIMARY KEY (group_name, organization, team),
  FOREIGN KEY (organization, team) REFERENCES teams(organization, name) ON DELETE CASCADE
);
