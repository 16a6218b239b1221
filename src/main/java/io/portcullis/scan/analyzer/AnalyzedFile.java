package io.portcullis.scan.analyzer;

import io.portcullis.scan.layer.LayerEntry;
import io.portcullis.scan.layer.LayerLimits;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The content of one layer file, handed to an analyzer. Use either {@link #stream()} (large files read
 * incrementally, e.g. archives) or {@link #bytes()} / {@link #text()} (small metadata files); the file is
 * never larger than {@link LayerLimits#maxFileBytes()}.
 */
public final class AnalyzedFile {

  private final LayerEntry entry;
  private final LayerLimits limits;
  private final InputStream live;
  private byte[] content;

  private AnalyzedFile(LayerEntry entry, LayerLimits limits, InputStream live, byte[] content) {
    this.entry = entry;
    this.limits = limits;
    this.live = live;
    this.content = content;
  }

  static AnalyzedFile streaming(LayerEntry entry, LayerLimits limits, InputStream live) {
    return new AnalyzedFile(entry, limits, live, null);
  }

  static AnalyzedFile buffered(LayerEntry entry, LayerLimits limits, byte[] content) {
    return new AnalyzedFile(entry, limits, null, content);
  }

  /** Normal absolute path inside the layer. */
  public String path() {
    return entry.path();
  }

  public long size() {
    return entry.size();
  }

  public LayerLimits limits() {
    return limits;
  }

  /** The content as a stream; the caller need not close it. */
  public InputStream stream() {
    return content != null ? new ByteArrayInputStream(content) : live;
  }

  /** The whole content. */
  public byte[] bytes() throws IOException {
    if (content == null) {
      content = readFully(live, entry);
    }
    return content;
  }

  /** Reads exactly the entry's size into one array (no intermediate chunk copies). */
  static byte[] readFully(InputStream in, LayerEntry entry) throws IOException {
    byte[] data = new byte[(int) entry.size()];
    int read = in.readNBytes(data, 0, data.length);
    if (read != data.length) {
      throw new MalformedContentException(entry.path() + " is truncated: " + read + " of " + data.length + " bytes");
    }
    return data;
  }

  /** The whole content as UTF-8 text (malformed sequences replaced). */
  public String text() throws IOException {
    return new String(bytes(), StandardCharsets.UTF_8);
  }
}
