package io.portcullis.mirror.cache;

import io.portcullis.metadata.Tx;
import io.portcullis.shared.Digest;
import io.portcullis.shared.RepositoryName;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where caches, their upstreams, cached tags and manifests not yet complete are kept. */
public interface CacheStore {
  /** Adds a cache without upstreams (its id is ignored); empty when the namespace already has one. */
  Optional<Long> insert(Tx tx, Cache cache);

  Optional<Cache> find(Tx tx, long id);

  /** Every cache, by id: there are few, and the registry keeps them in memory. */
  List<Cache> all(Tx tx);

  /** Writes the freshness and update time. */
  void update(Tx tx, Cache cache);

  /** Replaces the upstreams; {@code sealedPasswords} has one entry (or null) per upstream. */
  void replaceUpstreams(Tx tx, long cacheId, List<CacheUpstream> upstreams, List<byte[]> sealedPasswords);

  /** The sealed password of the upstream at {@code position}; empty when there is none. */
  Optional<byte[]> sealedPassword(Tx tx, long cacheId, int position);

  /** Deletes the cache, its upstreams and records; what it stored stays in the registry. */
  boolean delete(Tx tx, long cacheId);

  Optional<CachedTag> tag(Tx tx, RepositoryName repository, String tag);

  /** Records (or moves) a tag as an upstream confirmed it at {@code at}. */
  void putTag(Tx tx, long cacheId, RepositoryName repository, String tag, Digest digest, Instant at);

  /** The tags of the repository recorded at {@code digest}. */
  List<String> tagsAt(Tx tx, RepositoryName repository, Digest digest);

  Optional<Pending> pending(Tx tx, RepositoryName repository, Digest digest);

  /** The repository's manifests not yet complete, oldest first. */
  List<Pending> pendingIn(Tx tx, RepositoryName repository);

  /** Keeps a fetched manifest until its content is stored; a second copy of the same digest is ignored. */
  void putPending(Tx tx, long cacheId, Pending pending);

  boolean deletePending(Tx tx, RepositoryName repository, Digest digest);

  /** Forgets the repository's tags and pending manifests (the repository was deleted). */
  void forget(Tx tx, RepositoryName repository);

  /** A tag as an upstream last confirmed it. */
  record CachedTag(Digest digest, Instant checkedAt) {}

  /**
   * A manifest fetched from upstream {@code upstream} (its position), bytes as received, whose blobs or
   * children are not all stored yet.
   */
  record Pending(RepositoryName repository, Digest digest, String mediaType, byte[] payload, int upstream,
      Instant fetchedAt) {}
}
