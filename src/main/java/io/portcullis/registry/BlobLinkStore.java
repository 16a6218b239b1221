package io.portcullis.registry;

import io.portcullis.metadata.Tx;
import io.portcullis.shared.Digest;
import io.portcullis.shared.RepositoryName;
import java.util.OptionalLong;

/** Where the stored blobs and their links to repositories are kept. */
public interface BlobLinkStore {
  BlobService.Usage usage(Tx tx);

  /** The size of the blob if it is linked to the repository. */
  OptionalLong linkedSize(Tx tx, RepositoryName repository, Digest digest);

  /** {@link #linkedSize}, the blob kept from deletion until commit (a manifest or mount needs it). */
  OptionalLong holdLinked(Tx tx, RepositoryName repository, Digest digest);

  /** Records that the blob's bytes are stored, holding its row's lock until commit. */
  void upsertBlob(Tx tx, Digest digest, long size, long now);

  /**
   * Links the blob to the repository unless it is linked. An existing link is left as it is, its
   * time too: renewing it would lock the row, and a manifest push holding that link while the same
   * blob's upload commits would then deadlock with it.
   */
  void link(Tx tx, RepositoryName repository, Digest digest, long now);

  /** Unlinks the blob from the repository; false when it was not linked. */
  boolean unlink(Tx tx, RepositoryName repository, Digest digest);

  /** Unlinks every blob of the repository. */
  void unlinkAll(Tx tx, RepositoryName repository);
}
