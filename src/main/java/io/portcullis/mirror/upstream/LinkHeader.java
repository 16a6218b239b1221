package io.portcullis.mirror.upstream;

import java.net.URI;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code rel="next"} target of an RFC 8288 {@code Link} header, as registries paginate tag lists. */
public final class LinkHeader {
  private static final Pattern LINK = Pattern.compile("<([^>]*)>\\s*((?:;\\s*[^;,]+)*)");
  private static final Pattern NEXT = Pattern.compile(";\\s*rel\\s*=\\s*\"?([^\";]*)\"?");

  private LinkHeader() {}

  /** The next page resolved against the request's URI; empty on the last page. */
  public static Optional<URI> next(String header, URI request) {
    if (header == null) {
      return Optional.empty();
    }
    Matcher link = LINK.matcher(header);
    while (link.find()) {
      Matcher rel = NEXT.matcher(link.group(2));
      while (rel.find()) {
        for (String r : rel.group(1).strip().split("\\s+")) {
          if (r.equalsIgnoreCase("next")) {
            return Optional.of(request.resolve(link.group(1).strip()));
          }
        }
      }
    }
    return Optional.empty();
  }
}
