package io.portcullis.storage;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;

/** Where the bytes of a blob can be read from, so the edge can pick the cheapest transfer. */
public sealed interface BlobSource {
  long size();

  /**
   * The bytes, for a reader inside the server (a scan, a push mirror) rather than a client: a local
   * file opened, a stream as it is, a redirect followed. A stream can be read once only.
   */
  default InputStream openStream() throws java.io.IOException {
    return switch (this) {
      case LocalFile file -> java.nio.file.Files.newInputStream(file.path());
      case Stream stream -> stream.stream();
      case Redirect redirect -> redirect.location().toURL().openStream();
    };
  }

  /** A local file: the edge may map or sendfile it. */
  record LocalFile(Path path, long size) implements BlobSource {}

  /** Object storage that can hand out a short-lived URL: the client fetches it directly. */
  record Redirect(URI location, long size) implements BlobSource {}

  /** Anything else: a stream the edge copies. */
  record Stream(InputStream stream, long size) implements BlobSource {}
}
