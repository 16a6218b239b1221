package io.portcullis.scan.layer;

import java.io.IOException;
import java.io.InputStream;

/** Receives the entries of one layer in tar order, with paths already normalised and checked. */
public interface LayerVisitor {

  /**
   * A regular file. {@code content} is the live tar stream of that entry: read what is needed, the rest
   * is skipped without buffering; it is valid only during this call and must not be closed.
   */
  void file(LayerEntry entry, InputStream content) throws IOException;

  /** A symbolic link; {@code target} is already resolved to a normal absolute path inside the layer. */
  default void symlink(String path, String target) {}

  /** A hard link to {@code target}, an earlier entry of the same layer. */
  default void hardlink(String path, String target) {}

  /** {@code .wh.<name>}: {@code path} is deleted from the layers below. */
  default void whiteout(String path) {}

  /** {@code .wh..wh..opq}: the directory's contents from the layers below are hidden. */
  default void opaqueDirectory(String path) {}

  /** An entry left out because it would escape the layer root or is otherwise unusable. */
  default void rejected(String entryName, String reason) {}
}
