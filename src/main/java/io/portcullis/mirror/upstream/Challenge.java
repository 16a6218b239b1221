package io.portcullis.mirror.upstream;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One authentication challenge of a {@code WWW-Authenticate} header, e.g.
 * {@code Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"}.
 *
 * @param scheme lower case ({@code bearer}, {@code basic})
 * @param params parameter names in lower case; quoted values unquoted
 */
public record Challenge(String scheme, Map<String, String> params) {
  public Challenge {
    params = Map.copyOf(params);
  }

  public Optional<String> param(String name) {
    return Optional.ofNullable(params.get(name));
  }

  public boolean isBearer() {
    return scheme.equals("bearer");
  }

  public boolean isBasic() {
    return scheme.equals("basic");
  }

  /**
   * Parses the first challenge of a header value. Quoted values may hold commas and escaped quotes
   * (a scope such as {@code repository:a:pull,push}); a header that is not a challenge is empty.
   */
  public static Optional<Challenge> parse(String header) {
    if (header == null) {
      return Optional.empty();
    }
    String text = header.strip();
    int space = text.indexOf(' ');
    String scheme = (space < 0 ? text : text.substring(0, space)).toLowerCase(Locale.ROOT);
    if (scheme.isEmpty() || !scheme.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '_')) {
      return Optional.empty();
    }
    Map<String, String> params = new LinkedHashMap<>();
    int i = space < 0 ? text.length() : space + 1;
    while (i < text.length()) {
      while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == ',')) {
        i++;
      }
      int eq = text.indexOf('=', i);
      if (eq < 0) {
        break;
      }
      String name = text.substring(i, eq).strip().toLowerCase(Locale.ROOT);
      if (name.contains(" ")) {
        // "Bearer realm=…, Basic realm=…": the next challenge starts; only the first one is read.
        break;
      }
      i = eq + 1;
      StringBuilder value = new StringBuilder();
      if (i < text.length() && text.charAt(i) == '"') {
        i++;
        while (i < text.length() && text.charAt(i) != '"') {
          char c = text.charAt(i);
          if (c == '\\' && i + 1 < text.length()) {
            c = text.charAt(++i);
          }
          value.append(c);
          i++;
        }
        i++;
      } else {
        while (i < text.length() && text.charAt(i) != ',') {
          value.append(text.charAt(i++));
        }
      }
      params.put(name, value.toString().strip());
    }
    return Optional.of(new Challenge(scheme, params));
  }
}
