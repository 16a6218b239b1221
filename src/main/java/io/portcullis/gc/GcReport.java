package io.portcullis.gc;

import java.util.Map;

/**
 * What a run freed, or a dry run would free.
 *
 * @param manifests   untagged manifests deleted
 * @param links       repository↔blob links removed
 * @param blobs       blobs deleted (rows and bytes)
 * @param bytes       bytes of those blobs
 * @param orphanFiles stored files without a row (a crash between an upload's rename and commit) deleted
 * @param orphanBytes their bytes
 * @param uploads     stale upload staging files deleted (not counted by a dry run)
 * @param namespaces  per namespace: what it lost, and the bytes its usage (as quotas count it) drops by
 */
public record GcReport(long manifests, long links, long blobs, long bytes, long orphanFiles, long orphanBytes,
    long uploads, Map<String, Namespace> namespaces) {
  public static final GcReport EMPTY = new GcReport(0, 0, 0, 0, 0, 0, 0, Map.of());

  public GcReport {
    namespaces = Map.copyOf(namespaces);
  }

  /** One namespace's part: manifests and links removed, and the bytes it no longer links. */
  public record Namespace(long manifests, long links, long bytes) {}

  /** Bytes freed on disk in all. */
  public long freedBytes() {
    return bytes + orphanBytes;
  }
}
