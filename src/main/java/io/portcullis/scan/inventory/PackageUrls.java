package io.portcullis.scan.inventory;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import java.util.Map;
import java.util.TreeMap;

/** Builds canonical package URLs (purl spec) through the reference library, so encoding is right. */
public final class PackageUrls {

  private PackageUrls() {}

  /**
   * @param type       purl type ({@code maven}, {@code npm}, {@code deb}, …)
   * @param namespace  may be null
   * @param qualifiers may be empty; null or empty values are dropped
   * @return the canonical purl, or null when the name cannot form a valid purl (the package is still
   *     reported; it only lacks an external identifier)
   */
  public static String of(String type, String namespace, String name, String version,
      Map<String, String> qualifiers) {
    TreeMap<String, String> kept = new TreeMap<>();
    qualifiers.forEach((key, value) -> {
      if (value != null && !value.isEmpty()) {
        kept.put(key, value);
      }
    });
    try {
      return new PackageURL(type, namespace == null || namespace.isEmpty() ? null : namespace, name,
          version == null || version.isEmpty() ? null : version, kept.isEmpty() ? null : kept, null)
          .canonicalize();
    } catch (MalformedPackageURLException e) {
      return null;
    }
  }

  public static String of(String type, String namespace, String name, String version) {
    return of(type, namespace, name, version, Map.of());
  }
}
