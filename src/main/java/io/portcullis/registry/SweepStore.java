package io.portcullis.registry;

import io.portcullis.metadata.Tx;
import io.portcullis.shared.Digest;
import io.portcullis.shared.RepositoryName;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What garbage collection reads of the registry's tables and the deletions it makes there. The
 * {@code lock…} methods never wait: a row another transaction holds is in use and simply not
 * returned (PostgreSQL {@code SKIP LOCKED}; SQLite's single writer already excludes others).
 */
public interface SweepStore {
  /** Up to {@code limit} names of repositories with manifests or blob links, after {@code after}, bytewise. */
  List<RepositoryName> repositories(Tx tx, String after, int limit);

  List<RegistrySweep.StoredManifest> manifests(Tx tx, RepositoryName repository);

  /** Every reference of the repository's manifests: to blobs and to child manifests. */
  List<RegistrySweep.Reference> references(Tx tx, RepositoryName repository);

  List<RegistrySweep.Link> links(Tx tx, RepositoryName repository);

  /** The repositories each of the blobs is linked to (absent: none). */
  Map<Digest, List<RepositoryName>> linksOf(Tx tx, Collection<Digest> digests);

  /** Up to {@code limit} stored blobs no repository links, digests after {@code after}, bytewise. */
  List<RegistrySweep.Blob> unlinkedBlobs(Tx tx, String after, int limit);

  /** Of the digests, those with a {@code blobs} row. */
  Set<Digest> stored(Tx tx, Collection<Digest> digests);

  /** Locks the repository's manifests among {@code digests} that exist and no one else holds. */
  Set<Digest> lockManifests(Tx tx, RepositoryName repository, Collection<Digest> digests);

  /**
   * Of the (locked) manifests, those that may go now: created before {@code createdBefore}, no tag
   * points at them, no manifest of the repository lists them as a child, and their subject, if any,
   * is not in the repository.
   */
  Set<Digest> unreferencedManifests(Tx tx, RepositoryName repository, Collection<Digest> digests, long createdBefore);

  /** Locks the repository's links among {@code digests} created before {@code createdBefore} that no one else holds. */
  Set<Digest> lockLinks(Tx tx, RepositoryName repository, Collection<Digest> digests, long createdBefore);

  /** Of the digests, those no manifest of the repository references. */
  Set<Digest> unreferencedBlobs(Tx tx, RepositoryName repository, Collection<Digest> digests);

  void unlink(Tx tx, RepositoryName repository, Collection<Digest> digests);

  /** Locks the blob rows among {@code digests} that exist and no one else holds; returns their sizes. */
  Map<Digest, Long> lockBlobs(Tx tx, Collection<Digest> digests);

  /** Of the digests, those linked to some repository. */
  Set<Digest> linked(Tx tx, Collection<Digest> digests);

  void deleteBlob(Tx tx, Digest digest);

  /**
   * Inserts a row for a blob that has none, taking its lock until the transaction ends, so that no
   * upload can commit that digest meanwhile; false when a row exists (or is being inserted).
   */
  boolean claimAbsentBlob(Tx tx, Digest digest, long now);
}
