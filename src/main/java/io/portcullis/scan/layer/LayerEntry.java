package io.portcullis.scan.layer;

/**
 * A regular file of a layer as its tar header describes it.
 *
 * @param path normal absolute path inside the layer
 * @param size bytes of content
 * @param mode POSIX permission bits (e.g. {@code 0755})
 */
public record LayerEntry(String path, long size, int mode) {

  public boolean isExecutable() {
    return (mode & 0111) != 0;
  }
}
