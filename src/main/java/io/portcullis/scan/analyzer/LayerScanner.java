package io.portcullis.scan.analyzer;

import io.portcullis.scan.inventory.InstalledPackage;
import io.portcullis.scan.inventory.LayerInventory;
import io.portcullis.scan.inventory.LayerInventory.SkippedEntry;
import io.portcullis.scan.layer.HostileLayerException;
import io.portcullis.scan.layer.LayerEntry;
import io.portcullis.scan.layer.LayerLimits;
import io.portcullis.scan.layer.LayerReader;
import io.portcullis.scan.layer.LayerVisitor;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns one layer blob into its {@link LayerInventory}: reads the blob once as a stream
 * ({@link LayerReader}), buffers only the files an analyzer wants (each at most
 * {@link LayerLimits#maxFileBytes()}), skips everything else while streaming.
 */
public final class LayerScanner {

  private final List<PackageAnalyzer> analyzers;

  public LayerScanner(List<PackageAnalyzer> analyzers) {
    this.analyzers = List.copyOf(analyzers);
  }

  /** A scanner with every built-in analyzer: OS release, dpkg, apk, rpm, Java, npm, Python, Go, Ruby, PHP, .NET, Rust. */
  public static LayerScanner standard() {
    return new LayerScanner(List.of(new OsReleaseAnalyzer(), new DpkgAnalyzer(), new ApkAnalyzer(),
        new RpmAnalyzer(), new JavaArchiveAnalyzer(), new NpmAnalyzer(), new PythonAnalyzer(),
        new GoBinaryAnalyzer(), new RubyGemAnalyzer(), new ComposerAnalyzer(), new DotnetDepsAnalyzer(),
        new CargoAuditableAnalyzer()));
  }

  /**
   * Scans one layer.
   *
   * @param compressedLayer the layer blob as stored (gzip, zstd or plain tar; detected from its bytes);
   *                        not closed
   * @param layerDigest     digest of that blob; every package found is attributed to it
   * @throws HostileLayerException when the layer breaks a limit; nothing of it is kept
   * @throws io.portcullis.scan.layer.LayerException when the blob is not a readable layer
   */
  public LayerInventory scan(InputStream compressedLayer, String layerDigest, LayerLimits limits)
      throws IOException {
    Scan scan = new Scan(limits);
    LayerReader.read(compressedLayer, limits, scan);
    return scan.inventory(layerDigest);
  }

  private final class Scan implements LayerVisitor {
    private final LayerLimits limits;
    private final Findings findings = new Findings();
    private final Set<String> analyzedFiles = new LinkedHashSet<>();
    private final List<String> whiteouts = new ArrayList<>();
    private final List<String> opaqueDirectories = new ArrayList<>();
    private final Map<String, String> symlinks = new LinkedHashMap<>();
    private final Map<String, String> hardlinks = new LinkedHashMap<>();
    private final List<SkippedEntry> skipped = new ArrayList<>();

    Scan(LayerLimits limits) {
      this.limits = limits;
    }

    @Override
    public void file(LayerEntry entry, InputStream content) throws IOException {
      List<PackageAnalyzer> wanting = wanting(entry);
      if (wanting.isEmpty()) {
        return;
      }
      analyzedFiles.add(entry.path());
      if (entry.size() > limits.maxFileBytes()) {
        skipped.add(new SkippedEntry(entry.path(), entry.size() + " bytes exceeds the per-file limit of "
            + limits.maxFileBytes()));
        return;
      }
      if (wanting.size() == 1) {
        analyze(wanting.getFirst(), AnalyzedFile.streaming(entry, limits, content));
        return;
      }
      byte[] bytes = AnalyzedFile.readFully(content, entry);
      for (PackageAnalyzer analyzer : wanting) {
        analyze(analyzer, AnalyzedFile.buffered(entry, limits, bytes));
      }
    }

    @Override
    public void symlink(String path, String target) {
      if (!wanting(new LayerEntry(path, 0, 0)).isEmpty()) {
        symlinks.put(path, target);
        analyzedFiles.add(path);
      }
    }

    @Override
    public void hardlink(String path, String target) {
      if (!wanting(new LayerEntry(path, 0, 0)).isEmpty()) {
        hardlinks.put(path, target);
        analyzedFiles.add(path);
      }
    }

    @Override
    public void whiteout(String path) {
      whiteouts.add(path);
    }

    @Override
    public void opaqueDirectory(String path) {
      opaqueDirectories.add(path);
    }

    @Override
    public void rejected(String entryName, String reason) {
      skipped.add(new SkippedEntry(entryName, reason));
    }

    private List<PackageAnalyzer> wanting(LayerEntry entry) {
      List<PackageAnalyzer> wanting = null;
      for (PackageAnalyzer analyzer : analyzers) {
        if (analyzer.wants(entry)) {
          if (wanting == null) {
            wanting = new ArrayList<>(2);
          }
          wanting.add(analyzer);
        }
      }
      return wanting == null ? List.of() : wanting;
    }

    private void analyze(PackageAnalyzer analyzer, AnalyzedFile file) throws IOException {
      try {
        analyzer.analyze(file, findings);
      } catch (HostileLayerException e) {
        throw e;
      } catch (IOException e) {
        skipped.add(new SkippedEntry(file.path(), analyzer.getClass().getSimpleName() + ": " + e.getMessage()));
      }
    }

    LayerInventory inventory(String layerDigest) {
      List<InstalledPackage> packages = new ArrayList<>();
      for (InstalledPackage pkg : findings.packages()) {
        packages.add(pkg.withLayer(layerDigest));
      }
      packages.addAll(hardlinkedPackages(packages));
      skipped.addAll(findings.skipped());
      return new LayerInventory(layerDigest, packages, List.copyOf(analyzedFiles), whiteouts,
          opaqueDirectories, symlinks, hardlinks, findings.osRelease(), skipped);
    }

    /** A hard link holds the same bytes as its target: it carries the target's packages at its own path. */
    private List<InstalledPackage> hardlinkedPackages(List<InstalledPackage> packages) {
      Map<String, List<InstalledPackage>> byFile = new HashMap<>();
      for (InstalledPackage pkg : packages) {
        String path = pkg.path();
        int nested = path.indexOf("!/");
        byFile.computeIfAbsent(nested < 0 ? path : path.substring(0, nested), p -> new ArrayList<>()).add(pkg);
      }
      List<InstalledPackage> linked = new ArrayList<>();
      for (String link : hardlinks.keySet()) {
        String target = resolveHardlink(link);
        if (target == null) {
          skipped.add(new SkippedEntry(link, "hard link chain does not end at a file within "
              + limits.maxSymlinkHops() + " hops"));
          continue;
        }
        for (InstalledPackage pkg : byFile.getOrDefault(target, List.of())) {
          linked.add(pkg.withPath(link + pkg.path().substring(target.length())));
        }
      }
      return linked;
    }

    private String resolveHardlink(String link) {
      String current = link;
      for (int hop = 0; hop < limits.maxSymlinkHops(); hop++) {
        String next = hardlinks.get(current);
        if (next == null) {
          return current;
        }
        current = next;
      }
      return null;
    }
  }
}
