package io.portcullis.scan.vuln;

/** Receives progress from an importer: records yielded so far and the source being read. */
@FunctionalInterface
public interface ImportProgress {

  ImportProgress NONE = (records, source) -> {};

  void advanced(long recordsSoFar, String currentSource);
}
