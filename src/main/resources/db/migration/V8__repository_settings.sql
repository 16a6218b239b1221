-- Repositories are the repository domain's; it gains immutable tags (a pushed tag keeps its manifest).
ALTER TABLE repositories ADD COLUMN immutable_tags BOOLEAN NOT NULL DEFAULT FALSE;
-- Which repositories hold a manifest digest: a deleted repository's scan results stay while another does.
CREATE INDEX manifests_digest ON manifests(digest);
