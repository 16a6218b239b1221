package io.portcullis.web.v2;

/**
 * A {@code /v2/<name>/...} path split into repository name, endpoint and the rest. Repository names
 * may contain the endpoint words themselves ({@code a/blobs/b}), so the split is at the last marker
 * whose remainder is a single path segment.
 */
record Route(String name, Kind kind, String rest) {
  enum Kind { MANIFEST, BLOB, UPLOAD, TAGS, REFERRERS }

  private static final String[] MARKERS = {"/manifests/", "/blobs/uploads/", "/blobs/", "/referrers/"};
  private static final Kind[] KINDS = {Kind.MANIFEST, Kind.UPLOAD, Kind.BLOB, Kind.REFERRERS};

  /** Parses the part after {@code /v2/}; null when it is no registry endpoint. */
  static Route parse(String path) {
    if (path.endsWith("/tags/list")) {
      return new Route(path.substring(0, path.length() - "/tags/list".length()), Kind.TAGS, "");
    }
    Route best = null;
    int bestAt = -1;
    for (int i = 0; i < MARKERS.length; i++) {
      int at = path.lastIndexOf(MARKERS[i]);
      if (at <= 0) {
        continue;
      }
      String rest = path.substring(at + MARKERS[i].length());
      boolean oneSegment = rest.indexOf('/') < 0;
      boolean restAllowed = KINDS[i] == Kind.UPLOAD || !rest.isEmpty();
      if (oneSegment && restAllowed && at > bestAt) {
        bestAt = at;
        best = new Route(path.substring(0, at), KINDS[i], rest);
      }
    }
    return best;
  }
}
