package io.portcullis.scan.version;

/**
 * A version parsed once by a {@link VersionComparator}, so that repeated comparisons (range checks
 * against thousands of installed packages) do no re-parsing.
 *
 * <p>Instances only compare with instances produced by the same scheme; comparing a dpkg version with a
 * Maven version is a programming error and throws {@link IllegalArgumentException}.
 */
public interface ParsedVersion extends Comparable<ParsedVersion> {

  /** The version exactly as given to {@link VersionComparator#parse(String)}. */
  String text();
}
