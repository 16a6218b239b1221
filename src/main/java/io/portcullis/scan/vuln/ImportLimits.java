package io.portcullis.scan.vuln;

/**
 * Bounds on what an import source may make the importer read; they keep a hostile or broken archive
 * (zip bomb, runaway file) from exhausting memory or disk bandwidth. Uncompressed bytes are counted as
 * they are read, never taken from archive headers.
 *
 * @param maxEntries      most files in a directory tree or entries in a zip archive
 * @param maxRecordBytes  largest single OSV record (one JSON file or zip entry)
 * @param maxTotalBytes   most uncompressed bytes read from one archive or directory tree
 * @param maxDocumentBytes largest single-document source (the Debian tracker JSON, an Alpine secdb file)
 */
public record ImportLimits(int maxEntries, long maxRecordBytes, long maxTotalBytes, long maxDocumentBytes) {

  /** Sized for the published feeds with ample room: OSV's largest all.zip, the full tracker JSON. */
  public static final ImportLimits DEFAULT =
      new ImportLimits(1_000_000, 16L << 20, 8L << 30, 1L << 30);

  public ImportLimits {
    if (maxEntries <= 0 || maxRecordBytes <= 0 || maxTotalBytes <= 0 || maxDocumentBytes <= 0) {
      throw new IllegalArgumentException("import limits must be positive");
    }
  }
}
