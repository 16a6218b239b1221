package io.portcullis.storage;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/** The bytes of an upload in progress. Not thread-safe: the upload service serialises access. */
public interface StagedUpload extends Closeable {
  String id();

  /** Bytes staged so far (the offset the next chunk must start at). */
  long size() throws IOException;

  /** Appends the buffer's remaining bytes. */
  void write(ByteBuffer buffer) throws IOException;

  /** Cuts the staged bytes back to {@code size}: undoes a chunk that failed half-way. */
  void truncate(long size) throws IOException;

  /** Forces staged bytes to stable storage. */
  void sync() throws IOException;

  /** Reads the staged bytes from the start, e.g. to re-hash after a restart. */
  InputStream read() throws IOException;

  /** Throws away the staged bytes. */
  void discard() throws IOException;
}
