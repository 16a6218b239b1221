-- Tag immutability rules (the repository domain's): tags matching the pattern, in the repositories of
-- the scope (a repository name or a namespace pattern such as official/*), can be neither moved nor deleted.
CREATE TABLE immutability_rules (
  id ${id},
  scope ${name} NOT NULL,
  pattern TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  UNIQUE (scope, pattern)
);

-- Promotion policies: on a source scope, in position order; the criteria and the action are JSON
-- (see policy.PolicyDefinition). The owner is the principal whose permissions every promotion needs.
CREATE TABLE promotion_policies (
  id ${id},
  source ${name} NOT NULL,
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  enabled BOOLEAN NOT NULL,
  definition TEXT NOT NULL,
  owner_subject TEXT NOT NULL,
  owner_kind TEXT NOT NULL,
  owner_flags TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX promotion_policies_source ON promotion_policies(source, position);

-- One row per (policy, source tag at a digest): what makes each promotion happen exactly once however
-- many triggers race. A refused promotion is kept with its reason and may succeed on a later attempt.
CREATE TABLE promotions (
  id ${id},
  policy_id BIGINT NOT NULL REFERENCES promotion_policies(id) ON DELETE CASCADE,
  source_repository ${name} NOT NULL,
  source_tag ${name} NOT NULL,
  source_digest ${name} NOT NULL,
  target_repository ${name} NOT NULL,
  target_tag ${name} NOT NULL,
  state TEXT NOT NULL,
  reason TEXT,
  at BIGINT NOT NULL,
  UNIQUE (policy_id, source_repository, source_tag, source_digest)
);
CREATE INDEX promotions_policy ON promotions(policy_id, id);
