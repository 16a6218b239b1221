package io.portcullis.scan.layer;

/**
 * Bounds on what one layer may make the scanner do. Every number an untrusted layer controls is capped
 * here; exceeding a cap fails the layer with {@link HostileLayerException}, except {@code maxFileBytes},
 * which only excludes that file from analysis (the skip is recorded in the inventory).
 *
 * @param maxEntries          tar entries per layer, counting directories and links
 * @param maxTotalBytes       uncompressed bytes per layer
 * @param maxCompressionRatio uncompressed / compressed bytes, checked once {@code ratioGraceBytes} are out
 * @param ratioGraceBytes     uncompressed bytes before the ratio is enforced (tiny layers compress well)
 * @param maxFileBytes        size of one file handed to an analyzer; larger files are skipped
 * @param maxPathBytes        length of one entry path or link target
 * @param maxSymlinkHops      links followed when resolving a path; a loop ends there
 * @param maxNestedArchiveDepth how deep archives inside archives (jar in jar) are opened
 */
public record LayerLimits(
    long maxEntries,
    long maxTotalBytes,
    double maxCompressionRatio,
    long ratioGraceBytes,
    long maxFileBytes,
    int maxPathBytes,
    int maxSymlinkHops,
    int maxNestedArchiveDepth) {

  private static final long MIB = 1024L * 1024L;

  public LayerLimits {
    if (maxEntries <= 0 || maxTotalBytes <= 0 || maxCompressionRatio <= 1 || ratioGraceBytes < 0
        || maxFileBytes <= 0 || maxFileBytes > Integer.MAX_VALUE - 16 || maxPathBytes <= 0
        || maxSymlinkHops <= 0 || maxNestedArchiveDepth < 0) {
      throw new IllegalArgumentException("invalid layer limits: " + maxEntries + "/" + maxTotalBytes + "/"
          + maxCompressionRatio + "/" + ratioGraceBytes + "/" + maxFileBytes + "/" + maxPathBytes + "/"
          + maxSymlinkHops + "/" + maxNestedArchiveDepth);
    }
  }

  /**
   * Defaults sized for real images: 500k entries (large node_modules layers have ~300k), 16 GiB
   * uncompressed, ratio 200 after 32 MiB (real layers compress 2-10x; a gzip bomb of zeros ~1000x),
   * 128 MiB per analysed file, 4096-byte paths (Linux PATH_MAX), 40 link hops (Linux MAXSYMLINKS),
   * archives nested 3 deep (war → jar → shaded jar).
   */
  public static LayerLimits defaults() {
    return new LayerLimits(500_000, 16L * 1024 * MIB, 200, 32 * MIB, 128 * MIB, 4096, 40, 3);
  }

  public LayerLimits withMaxEntries(long value) {
    return new LayerLimits(value, maxTotalBytes, maxCompressionRatio, ratioGraceBytes, maxFileBytes,
        maxPathBytes, maxSymlinkHops, maxNestedArchiveDepth);
  }

  public LayerLimits withMaxTotalBytes(long value) {
    return new LayerLimits(maxEntries, value, maxCompressionRatio, ratioGraceBytes, maxFileBytes,
        maxPathBytes, maxSymlinkHops, maxNestedArchiveDepth);
  }

  public LayerLimits withMaxFileBytes(long value) {
    return new LayerLimits(maxEntries, maxTotalBytes, maxCompressionRatio, ratioGraceBytes, value,
        maxPathBytes, maxSymlinkHops, maxNestedArchiveDepth);
  }

  public LayerLimits withCompressionRatio(double ratio, long graceBytes) {
    return new LayerLimits(maxEntries, maxTotalBytes, ratio, graceBytes, maxFileBytes,
        maxPathBytes, maxSymlinkHops, maxNestedArchiveDepth);
  }
}
