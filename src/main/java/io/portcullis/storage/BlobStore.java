package io.portcullis.storage;

import io.portcullis.shared.Digest;
import java.io.IOException;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * Content-addressed storage of blob bytes, one copy per digest across all repositories, plus the
 * staging area uploads are written to before they become blobs.
 *
 * <p>Lifecycle rule that keeps garbage collection safe: the canonical object of a digest is only
 * created ({@link #promote}) or removed ({@link #delete}) by a caller holding that digest's metadata
 * row lock, so a collector deleting an unreferenced blob and an upload committing the same digest
 * can never interleave.
 */
public interface BlobStore {

  /** Size of the stored blob, empty when absent. */
  OptionalLong stat(Digest digest) throws IOException;

  /** How to deliver a stored blob: a local file (served zero-copy), a redirect, or a stream. */
  BlobSource source(Digest digest, long size) throws IOException;

  /** Opens (creating when {@code create}) the staging object of an upload for appending. */
  StagedUpload staging(String uploadId, boolean create) throws IOException;

  /**
   * Makes a staged upload, already forced to stable storage by {@link StagedUpload#sync}, the canonical
   * blob of {@code digest}; when the blob already exists the staged copy is discarded. Durable when
   * this returns.
   */
  void promote(StagedUpload upload, Digest digest) throws IOException;

  void delete(Digest digest) throws IOException;

  /**
   * Every stored blob, in no particular order; the caller closes the stream. Garbage collection
   * compares it with the metadata to find bytes a crash left without their row.
   */
  Stream<StoredBlob> list() throws IOException;

  /** Proves the store accepts writes (readiness): writes, syncs and removes a small probe object. */
  void checkWritable() throws IOException;

  /** Deletes staged uploads not modified for {@code olderThanMillis}; returns how many. */
  int purgeStaging(long olderThanMillis) throws IOException;
}
