package io.portcullis.scan.analyzer;

import io.portcullis.scan.inventory.DistroFamily;
import io.portcullis.scan.inventory.InstalledPackage;
import io.portcullis.scan.layer.LayerEntry;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Debian/Ubuntu packages from {@code /var/lib/dpkg/status} and from distroless images'
 * {@code /var/lib/dpkg/status.d/<name>} files. Only packages whose Status says "installed" count (files in
 * status.d carry no Status: they are installed by construction). {@code Source: name (version)} gives
 * the source package that distro advisories are keyed by. The architecture goes into the purl qualifier
 * ({@code arch=amd64}); the same package installed for two architectures yields two packages.
 */
public final class DpkgAnalyzer implements PackageAnalyzer {

  private static final String STATUS = "/var/lib/dpkg/status";
  private static final String STATUS_DIR = "/var/lib/dpkg/status.d/";

  @Override
  public boolean wants(LayerEntry entry) {
    String path = entry.path();
    if (path.equals(STATUS)) {
      return true;
    }
    return path.startsWith(STATUS_DIR) && path.indexOf('/', STATUS_DIR.length()) < 0
        && !path.endsWith(".md5sums");
  }

  @Override
  public void analyze(AnalyzedFile file, Findings findings) throws IOException {
    for (Map<String, String> paragraph : ControlParagraphs.parse(file.text())) {
      String name = paragraph.get("Package");
      String version = paragraph.get("Version");
      if (name == null || version == null || !installed(paragraph.get("Status"))) {
        continue;
      }
      String sourceName = name;
      String sourceVersion = version;
      String source = paragraph.get("Source");
      if (source != null && !source.isBlank()) {
        int paren = source.indexOf('(');
        if (paren >= 0) {
          int close = source.indexOf(')', paren);
          sourceVersion = source.substring(paren + 1, close < 0 ? source.length() : close).strip();
          sourceName = source.substring(0, paren).strip();
        } else {
          sourceName = source.strip();
        }
      }
      String arch = paragraph.get("Architecture");
      findings.add(new InstalledPackage(DistroFamily.DEB.pendingEcosystem(), name, version, sourceName,
          sourceVersion, DistroFamily.DEB.purl(name, version, arch == null ? Map.of() : Map.of("arch", arch)),
          List.of(), file.path(), null));
    }
  }

  /** "install ok installed" (want flag status); absent in distroless status.d files. */
  private static boolean installed(String status) {
    return status == null || status.endsWith(" installed");
  }
}
