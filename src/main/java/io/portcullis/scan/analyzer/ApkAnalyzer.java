package io.portcullis.scan.analyzer;

import io.portcullis.scan.inventory.DistroFamily;
import io.portcullis.scan.inventory.InstalledPackage;
import io.portcullis.scan.layer.LayerEntry;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Alpine (and Wolfi/Chainguard) packages from {@code /lib/apk/db/installed}: one blank-line separated
 * record per package with one-letter keys — {@code P} name, {@code V} version, {@code A} arch,
 * {@code o} origin (the source package advisories are keyed by), {@code L} license.
 */
public final class ApkAnalyzer implements PackageAnalyzer {

  private static final String INSTALLED = "/lib/apk/db/installed";

  @Override
  public boolean wants(LayerEntry entry) {
    return entry.path().equals(INSTALLED);
  }

  @Override
  public void analyze(AnalyzedFile file, Findings findings) throws IOException {
    String text = file.text();
    Record record = new Record();
    int start = 0;
    while (start <= text.length()) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        end = text.length();
      }
      String line = text.substring(start, end);
      start = end + 1;
      if (line.isBlank()) {
        record.emit(file.path(), findings);
        record = new Record();
      } else if (line.length() >= 2 && line.charAt(1) == ':') {
        String value = line.substring(2).strip();
        switch (line.charAt(0)) {
          case 'P' -> record.name = value;
          case 'V' -> record.version = value;
          case 'A' -> record.arch = value;
          case 'o' -> record.origin = value;
          case 'L' -> record.license = value;
          default -> { }
        }
      }
    }
    record.emit(file.path(), findings);
  }

  private static final class Record {
    String name;
    String version;
    String arch;
    String origin;
    String license;

    void emit(String path, Findings findings) {
      if (name == null || version == null) {
        return;
      }
      Map<String, String> qualifiers = arch == null ? Map.of() : Map.of("arch", arch);
      findings.add(new InstalledPackage(DistroFamily.APK.pendingEcosystem(), name, version, origin, version,
          DistroFamily.APK.purl(name, version, qualifiers),
          license == null || license.isBlank() ? List.of() : List.of(Licenses.normalize(license)),
          path, null));
    }
  }
}
