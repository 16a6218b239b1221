package io.portcullis.mirror;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which platforms of a multi-platform index a mirror copies: {@code os/architecture} with an optional
 * {@code /variant} ({@code linux/amd64}, {@code linux/arm64/v8}). Empty copies every platform. A child
 * without a platform (an attestation, a signature) is copied only when every platform is.
 */
public record PlatformFilter(List<String> platforms) {
  public static final PlatformFilter ALL = new PlatformFilter(List.of());
  private static final Pattern PLATFORM = Pattern.compile("[a-z0-9_.-]+/[a-z0-9_.-]+(/[a-z0-9_.-]+)?");

  /** @throws IllegalArgumentException for a platform that is not os/arch[/variant] */
  public PlatformFilter {
    platforms = (platforms == null ? List.<String>of() : platforms).stream()
        .map(p -> p.strip().toLowerCase(Locale.ROOT)).distinct().toList();
    for (String p : platforms) {
      if (!PLATFORM.matcher(p).matches()) {
        throw new IllegalArgumentException("platform '" + p + "' is not os/architecture[/variant] (e.g. linux/amd64)");
      }
    }
  }

  public boolean all() {
    return platforms.isEmpty();
  }

  /** Whether a child of that platform is copied; {@code os} null for a child without one. */
  public boolean matches(String os, String architecture, String variant) {
    if (all()) {
      return true;
    }
    if (os == null || architecture == null) {
      return false;
    }
    String base = (os + "/" + architecture).toLowerCase(Locale.ROOT);
    for (String p : platforms) {
      if (p.equals(base) || (variant != null && !variant.isEmpty()
          && p.equals(base + "/" + variant.toLowerCase(Locale.ROOT)))) {
        return true;
      }
    }
    return false;
  }
}
