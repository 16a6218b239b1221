package io.portcullis.scan.analyzer;

import io.portcullis.scan.inventory.InstalledPackage;
import io.portcullis.scan.layer.LayerEntry;
import io.portcullis.scan.layer.LayerLimits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs one analyzer on in-memory content, as the scanner would. */
final class Analyzers {

  private Analyzers() {}

  static Findings run(PackageAnalyzer analyzer, String path, byte[] content) throws IOException {
    LayerEntry entry = new LayerEntry(path, content.length, 0755);
    if (!analyzer.wants(entry)) {
      throw new AssertionError(analyzer.getClass().getSimpleName() + " does not want " + path);
    }
    Findings findings = new Findings();
    analyzer.analyze(AnalyzedFile.buffered(entry, LayerLimits.defaults(), content), findings);
    return findings;
  }

  static List<InstalledPackage> packages(PackageAnalyzer analyzer, String path, String content) throws IOException {
    return run(analyzer, path, content.getBytes(StandardCharsets.UTF_8)).packages();
  }

  static List<InstalledPackage> packages(PackageAnalyzer analyzer, String path, byte[] content) throws IOException {
    return run(analyzer, path, content).packages();
  }
}
