package io.portcullis.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.portcullis.events.EventLog;
import io.portcullis.events.jdbc.JdbcEventStore;
import io.portcullis.metadata.Database;
import io.portcullis.scan.ImageScan;
import io.portcullis.scan.ScanService;
import io.portcullis.scan.VulnerabilityDatabase;
import io.portcullis.scan.analyzer.LayerScanner;
import io.portcullis.scan.inventory.ImageInventory;
import io.portcullis.scan.inventory.LayerInventory;
import io.portcullis.scan.jdbc.JdbcAdvisoryStore;
import io.portcullis.scan.jdbc.JdbcRegistryContent;
import io.portcullis.scan.jdbc.JdbcScanStore;
import io.portcullis.scan.layer.LayerLimits;
import io.portcullis.scan.match.MatchOptions;
import io.portcullis.scan.match.Matcher;
import io.portcullis.scan.match.SeverityCounts;
import io.portcullis.scan.vuln.Advisory;
import io.portcullis.scan.vuln.AdvisoryIndex;
import io.portcullis.scan.vuln.ImportProgress;
import io.portcullis.scan.vuln.OsvImporter;
import io.portcullis.storage.fs.FsBlobStore;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Scanner benchmark (run by bench/scan.sh, not a test): cold and warm scan time per fixture image, and
 * the time to re-match N stored images from their stored inventories after a database import.
 * Usage: ScanBench SHARED_DIR WORK_DIR [IMAGES=10000]
 */
public final class ScanBench {
  public static void main(String[] args) throws Exception {
    Path shared = Path.of(args[0]);
    Path work = Files.createDirectories(Path.of(args[1]));
    int images = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
    ObjectMapper json = JsonMapper.builder().findAndAddModules().build();

    AdvisoryIndex.Builder builder = AdvisoryIndex.builder();
    List<Advisory> advisories = new ArrayList<>();
    for (String dir : List.of("alpine/osv", "debian/osv", "ghsa")) {
      new OsvImporter().importDirectory(shared.resolve("fixtures/vulndb").resolve(dir), a -> {
        builder.accept(a);
        advisories.add(a);
      }, ImportProgress.NONE);
    }
    AdvisoryIndex index = builder.build();

    Map<String, List<LayerInventory>> layersByImage = new TreeMap<>();
    System.out.println("| image | layers | packages | findings | cold scan ms | warm (stored inventories) ms |");
    System.out.println("|---|---|---|---|---|---|");
    LayerScanner scanner = LayerScanner.standard();
    try (var layouts = Files.list(shared.resolve("fixtures/images"))) {
      for (Path layout : layouts.sorted().toList()) {
        for (String[] image : imageManifests(json, layout)) {
          JsonNode manifest = json.readTree(blob(layout, image[1]).toFile());
          long started = System.nanoTime();
          List<LayerInventory> inventories = new ArrayList<>();
          for (JsonNode layer : manifest.path("layers")) {
            String digest = layer.path("digest").asText();
            try (InputStream in = Files.newInputStream(blob(layout, digest))) {
              inventories.add(scanner.scan(in, digest, LayerLimits.defaults()));
            }
          }
          ImageInventory merged = ImageInventory.merge(inventories);
          int findings = Matcher.match(merged.packages(), index, MatchOptions.DEFAULT).size();
          double cold = (System.nanoTime() - started) / 1e6;
          List<LayerInventory> stored = new ArrayList<>();
          for (LayerInventory inventory : inventories) {
            stored.add(LayerInventory.fromJson(inventory.toJson()));
          }
          long warmStarted = System.nanoTime();
          Matcher.match(ImageInventory.merge(stored).packages(), index, MatchOptions.DEFAULT);
          double warm = (System.nanoTime() - warmStarted) / 1e6;
          String name = layout.getFileName() + image[0];
          layersByImage.put(name, inventories);
          System.out.printf("| %s | %d | %d | %d | %.0f | %.1f |%n", name, inventories.size(), merged.packages().size(),
              findings, cold, warm);
        }
      }
    }

    try (Database db = Database.embedded(work.resolve("rematch"));
        EventLog events = new EventLog(db, new JdbcEventStore(json), Clock.systemUTC(), "bench")) {
      VulnerabilityDatabase vulndb = new VulnerabilityDatabase(db, new JdbcAdvisoryStore(json), Clock.systemUTC());
      JdbcScanStore store = new JdbcScanStore(json);
      ScanService scans = new ScanService(db, store, new JdbcRegistryContent(), new FsBlobStore(work.resolve("rematch")),
          vulndb, events, json, Clock.systemUTC(), LayerLimits.defaults(), (outcome, took) -> { });
      List<List<String>> layerLists = new ArrayList<>();
      db.inTransaction(tx -> {
        for (List<LayerInventory> inventories : layersByImage.values()) {
          List<String> digests = new ArrayList<>();
          for (LayerInventory inventory : inventories) {
            store.putInventory(tx, inventory, 1, 0);
            digests.add(inventory.layerDigest());
          }
          layerLists.add(digests);
        }
        for (int i = 0; i < images; i++) {
          store.putScan(tx, new ImageScan(String.format("sha256:%064x", i), ImageScan.SUCCEEDED, null,
              layerLists.get(i % layerLists.size()), List.of(), null, 0, SeverityCounts.NONE, List.of(), 0, 0));
        }
        return null;
      });
      vulndb.replace("bench", "osv", advisories, n -> {});
      long started = System.nanoTime();
      int changed = scans.rematchAll((done, total, message) -> {});
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.printf("%nre-match of %d stored images (%d advisories) after an import: %.2f s, %d images changed%n",
          images, advisories.size(), seconds, changed);
    }
  }

  private static Path blob(Path layout, String digest) {
    return layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
  }

  /** (platform suffix, manifest digest) of every image manifest in an OCI layout, following indexes. */
  private static List<String[]> imageManifests(ObjectMapper json, Path layout) throws Exception {
    List<String[]> result = new ArrayList<>();
    for (JsonNode entry : json.readTree(layout.resolve("index.json").toFile()).path("manifests")) {
      JsonNode node = json.readTree(blob(layout, entry.path("digest").asText()).toFile());
      if (node.has("manifests")) {
        for (JsonNode child : node.path("manifests")) {
          result.add(new String[] {" (" + child.path("platform").path("architecture").asText() + ")",
              child.path("digest").asText()});
        }
      } else {
        result.add(new String[] {"", entry.path("digest").asText()});
      }
    }
    return result;
  }
}
