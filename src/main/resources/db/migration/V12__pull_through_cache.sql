-- Pull-through caches: a local namespace whose repositories are filled from upstream registries on
-- demand. Upstream passwords are sealed with the master key (never stored or returned in clear).
CREATE TABLE caches (
  id ${id},
  namespace ${name} NOT NULL UNIQUE,
  freshness_ms BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);

-- The upstreams of a cache, asked in position order.
CREATE TABLE cache_upstreams (
  cache_id BIGINT NOT NULL REFERENCES caches(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  registry TEXT NOT NULL,
  prefix TEXT,
  username TEXT,
  password_sealed ${bytes},
  PRIMARY KEY (cache_id, position)
);

-- What a cached tag pointed at when an upstream last confirmed it: within the freshness window no
-- upstream is asked.
CREATE TABLE cache_tags (
  cache_id BIGINT NOT NULL REFERENCES caches(id) ON DELETE CASCADE,
  repository ${name} NOT NULL,
  tag TEXT NOT NULL,
  digest TEXT NOT NULL,
  checked_at BIGINT NOT NULL,
  PRIMARY KEY (repository, tag)
);

-- Manifests fetched from an upstream (bytes as received, digest verified) whose blobs or children are
-- not all stored yet: the registry can only store a manifest whose content it has, so these are served
-- from here while clients fetch the blobs, and go into the registry as soon as it is complete.
CREATE TABLE cache_manifests (
  cache_id BIGINT NOT NULL REFERENCES caches(id) ON DELETE CASCADE,
  repository ${name} NOT NULL,
  digest TEXT NOT NULL,
  media_type TEXT NOT NULL,
  payload ${bytes} NOT NULL,
  upstream INTEGER NOT NULL,
  fetched_at BIGINT NOT NULL,
  PRIMARY KEY (repository, digest)
);
