package io.portcullis.scan.inventory;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Package managers whose packages belong to a distribution release. Their analyzers see a package
 * database, not the OS release (which may sit in another layer), so they record a pending ecosystem
 * ({@link #pendingEcosystem()}) that {@link ImageInventory#merge} replaces with the image's OS
 * ecosystem ({@link InstalledPackage#resolveDistro}).
 */
public enum DistroFamily {
  DEB("deb", "debian", "Debian"),
  APK("apk", "alpine", "Alpine"),
  RPM("rpm", "redhat", "Red Hat");

  private static final String PENDING_PREFIX = "pending-os:";

  private final String purlType;
  private final String defaultNamespace;
  private final String fallbackEcosystem;

  DistroFamily(String purlType, String defaultNamespace, String fallbackEcosystem) {
    this.purlType = purlType;
    this.defaultNamespace = defaultNamespace;
    this.fallbackEcosystem = fallbackEcosystem;
  }

  /** Ecosystem marker carried by a package until the OS release of the image is known. */
  public String pendingEcosystem() {
    return PENDING_PREFIX + purlType;
  }

  /** Ecosystem used when the image has no recognisable OS release at all. */
  public String fallbackEcosystem() {
    return fallbackEcosystem;
  }

  /** Package URL before the distro is known; {@link InstalledPackage#resolveDistro} completes it. */
  public String purl(String name, String version, Map<String, String> qualifiers) {
    return PackageUrls.of(purlType, defaultNamespace, name, version, qualifiers);
  }

  /** The family a pending ecosystem marker stands for. */
  public static Optional<DistroFamily> ofPendingEcosystem(String ecosystem) {
    if (!ecosystem.startsWith(PENDING_PREFIX)) {
      return Optional.empty();
    }
    for (DistroFamily family : values()) {
      if (family.pendingEcosystem().equals(ecosystem)) {
        return Optional.of(family);
      }
    }
    return Optional.empty();
  }

  String resolvePurl(String purl, OsRelease os) {
    if (purl == null || os == null) {
      return purl;
    }
    try {
      PackageURL pending = new PackageURL(purl);
      TreeMap<String, String> qualifiers = new TreeMap<>();
      if (pending.getQualifiers() != null) {
        qualifiers.putAll(pending.getQualifiers());
      }
      qualifiers.put("distro", os.purlDistro());
      return PackageUrls.of(pending.getType(), os.purlNamespace(), pending.getName(), pending.getVersion(),
          qualifiers);
    } catch (MalformedPackageURLException e) {
      throw new IllegalStateException("pending purl built by this package is malformed: " + purl, e);
    }
  }
}
