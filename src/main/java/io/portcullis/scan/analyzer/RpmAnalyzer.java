package io.portcullis.scan.analyzer;

import io.portcullis.scan.inventory.DistroFamily;
import io.portcullis.scan.inventory.InstalledPackage;
import io.portcullis.scan.layer.LayerEntry;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Red Hat family and SUSE packages from the rpm database ({@code /var/lib/rpm} or
 * {@code /usr/lib/sysimage/rpm}; SQLite, NDB or Berkeley DB, see {@link RpmDatabase}). Version is
 * {@code [epoch:]version-release}; the source package comes from SOURCERPM. GPG public keys, which rpm
 * stores as pseudo-packages, are left out.
 */
public final class RpmAnalyzer implements PackageAnalyzer {

  private static final Set<String> DATABASES = Set.of(
      "/var/lib/rpm/Packages", "/var/lib/rpm/Packages.db", "/var/lib/rpm/rpmdb.sqlite",
      "/usr/lib/sysimage/rpm/Packages", "/usr/lib/sysimage/rpm/Packages.db",
      "/usr/lib/sysimage/rpm/rpmdb.sqlite");

  @Override
  public boolean wants(LayerEntry entry) {
    return DATABASES.contains(entry.path());
  }

  @Override
  public void analyze(AnalyzedFile file, Findings findings) throws IOException {
    for (byte[] blob : RpmDatabase.headers(file.bytes())) {
      RpmHeader header = RpmHeader.parse(blob);
      String name = header.string(RpmHeader.NAME).orElse(null);
      String version = header.string(RpmHeader.VERSION).orElse(null);
      if (name == null || version == null || name.equals("gpg-pubkey")) {
        continue;
      }
      String release = header.string(RpmHeader.RELEASE).orElse("");
      long epoch = header.int32(RpmHeader.EPOCH).orElse(0L);
      String epochPrefix = epoch > 0 ? epoch + ":" : "";
      String versionRelease = release.isEmpty() ? version : version + "-" + release;
      String[] source = sourcePackage(header.string(RpmHeader.SOURCERPM).orElse(""));
      Map<String, String> qualifiers = new LinkedHashMap<>();
      qualifiers.put("arch", header.string(RpmHeader.ARCH).orElse(null));
      qualifiers.put("epoch", epoch > 0 ? Long.toString(epoch) : null);
      List<String> licenses = header.string(RpmHeader.LICENSE)
          .map(license -> List.of(Licenses.normalize(license))).orElse(List.of());
      findings.add(new InstalledPackage(DistroFamily.RPM.pendingEcosystem(), name,
          epochPrefix + versionRelease, source == null ? name : source[0],
          source == null ? epochPrefix + versionRelease : epochPrefix + source[1],
          DistroFamily.RPM.purl(name, versionRelease, qualifiers), licenses, file.path(), null));
    }
  }

  /** "openssl-1.1.1k-5.el8.src.rpm" → {openssl, 1.1.1k-5.el8}; null when not of that shape. */
  static String[] sourcePackage(String sourceRpm) {
    String base = sourceRpm;
    if (!base.endsWith(".rpm")) {
      return null;
    }
    base = base.substring(0, base.length() - 4);
    int archDot = base.lastIndexOf('.');
    if (archDot < 0) {
      return null;
    }
    base = base.substring(0, archDot);
    int releaseDash = base.lastIndexOf('-');
    int versionDash = releaseDash <= 0 ? -1 : base.lastIndexOf('-', releaseDash - 1);
    if (versionDash <= 0) {
      return null;
    }
    return new String[] {base.substring(0, versionDash), base.substring(versionDash + 1)};
  }
}
