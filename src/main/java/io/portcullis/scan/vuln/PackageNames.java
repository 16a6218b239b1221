package io.portcullis.scan.vuln;

import java.util.Locale;

/**
 * Package-name normalisation per ecosystem, so that an inventory's spelling meets an advisory's:
 * PyPI names per PEP 503 (lower case, runs of {@code - _ .} as {@code -}); npm, NuGet, Packagist and
 * crates.io case-insensitive (crates.io also equates {@code _} and {@code -}); Maven {@code group:artifact}
 * lower-cased, {@code group/artifact} accepted. Distributions, Go and RubyGems names are exact.
 */
public final class PackageNames {

  private PackageNames() {}

  /** @param ecosystemBase ecosystem without release, canonical spelling ({@code PyPI}, {@code Maven}) */
  public static String normalize(String ecosystemBase, String name) {
    String n = name.strip();
    return switch (ecosystemBase) {
      case "PyPI" -> pep503(n);
      case "npm", "NuGet", "Packagist" -> lower(n);
      case "crates.io" -> lower(n).replace('_', '-');
      case "Maven" -> lower(n).replace('/', ':');
      default -> n;
    };
  }

  private static String lower(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isUpperCase(s.charAt(i))) {
        return s.toLowerCase(Locale.ROOT);
      }
    }
    return s;
  }

  private static String pep503(String s) {
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean separator = c == '-' || c == '_' || c == '.';
      boolean changes = Character.isUpperCase(c) || (separator && (c != '-' || (i > 0 && isSeparator(s.charAt(i - 1)))));
      if (changes && out == null) {
        out = new StringBuilder(s.length()).append(s, 0, i);
      }
      if (out != null) {
        if (separator) {
          if (out.isEmpty() || out.charAt(out.length() - 1) != '-') {
            out.append('-');
          }
        } else {
          out.append(Character.toLowerCase(c));
        }
      }
    }
    return out == null ? s : out.toString();
  }

  private static boolean isSeparator(char c) {
    return c == '-' || c == '_' || c == '.';
  }
}
