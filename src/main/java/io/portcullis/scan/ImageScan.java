package io.portcullis.scan;

import io.portcullis.scan.match.Finding;
import io.portcullis.scan.match.SeverityCounts;
import java.util.List;

/**
 * The stored scan of one image manifest (one platform).
 *
 * @param digest        manifest digest
 * @param status        {@code succeeded}, {@code failed} or {@code unsupported} (not an image)
 * @param error         why it failed, or null
 * @param layers        layer digests, bottom first
 * @param history       the command that created each layer (from the config history), null where unknown
 * @param os            the OS ecosystem found ({@code Alpine:v3.16}), or null
 * @param vulndbVersion database version the findings were matched against
 * @param counts        distinct vulnerabilities by severity
 * @param findings      every (vulnerability, package) finding
 */
public record ImageScan(String digest, String status, String error, List<String> layers, List<String> history,
    String os, long vulndbVersion, SeverityCounts counts, List<Finding> findings, long scannedAt, long matchedAt) {
  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";
  public static final String UNSUPPORTED = "unsupported";
}
