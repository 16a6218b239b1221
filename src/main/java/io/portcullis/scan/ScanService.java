package io.portcullis.scan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.events.Event;
import io.portcullis.events.EventLog;
import io.portcullis.events.EventType;
import io.portcullis.jobs.Job;
import io.portcullis.jobs.JobHandler;
import io.portcullis.metadata.Database;
import io.portcullis.metadata.Tx;
import io.portcullis.scan.analyzer.LayerScanner;
import io.portcullis.scan.inventory.ImageInventory;
import io.portcullis.scan.inventory.LayerInventory;
import io.portcullis.scan.layer.LayerException;
import io.portcullis.scan.layer.LayerLimits;
import io.portcullis.scan.match.Finding;
import io.portcullis.scan.match.MatchOptions;
import io.portcullis.scan.match.Matcher;
import io.portcullis.scan.match.SeverityCounts;
import io.portcullis.shared.Caller;
import io.portcullis.shared.Digest;
import io.portcullis.shared.MediaTypes;
import io.portcullis.shared.RepositoryName;
import io.portcullis.storage.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scans images: reads each layer once into a stored bill of materials (shared by every image with
 * that layer), merges the layers into the image's final file system, matches it against the
 * vulnerability database, and re-matches every stored image from its stored inventories when the
 * database changes, without reading a layer again.
 */
public final class ScanService {
  private static final Logger log = LoggerFactory.getLogger(ScanService.class);
  /** Bump when analyzers change what they find: stored inventories of older versions are recomputed. */
  static final int ANALYZER_VERSION = 1;
  private static final int REMATCH_BATCH = 1000;
  private static final int LAYER_CACHE_ENTRIES = 20_000;
  private static final Set<String> IMAGE_CONFIG_TYPES = Set.of("application/vnd.oci.image.config.v1+json",
      "application/vnd.docker.container.image.v1+json");

  private final Database db;
  private final ScanStore store;
  private final RegistryContent registry;
  private final BlobStore blobs;
  private final VulnerabilityDatabase vulndb;
  private final EventLog events;
  private final ObjectMapper json;
  private final Clock clock;
  private final LayerScanner scanner = LayerScanner.standard();
  private final LayerLimits limits;
  private final Listener listener;

  /** Told of every image scan: lets the registry measure scans without this package knowing about metrics. */
  @FunctionalInterface
  public interface Listener {
    /**
     * {@code outcome} is the stored status ({@code succeeded}, {@code failed}, {@code unsupported}),
     * or {@code failed} when the scan threw before a status was stored.
     */
    void scanned(String outcome, Duration took);
  }

  public ScanService(Database db, ScanStore store, RegistryContent registry, BlobStore blobs,
      VulnerabilityDatabase vulndb, EventLog events, ObjectMapper json, Clock clock, LayerLimits limits,
      Listener listener) {
    this.db = db;
    this.store = store;
    this.registry = registry;
    this.blobs = blobs;
    this.vulndb = vulndb;
    this.events = events;
    this.json = json;
    this.clock = clock;
    this.limits = limits;
    this.listener = listener;
  }

  /**
   * Whether a manifest is a container image the scanner reads (anything else, signatures and other
   * artifacts, is stored as {@code unsupported}).
   */
  public static boolean isContainerImage(String mediaType, String configMediaType) {
    return MediaTypes.isImageManifest(mediaType) && IMAGE_CONFIG_TYPES.contains(configMediaType);
  }

  /** Job handler of {@code scan}: subject = manifest digest, payload = the repository it was pushed to. */
  public void runScanJob(Job job, JobHandler.Progress progress) throws IOException {
    String repository = job.payload();
    Stored manifest = manifest(job.subject()).orElseThrow(() -> new JobHandler.Permanent("manifest " + job.subject()
        + " is no longer stored"));
    List<String> images = new ArrayList<>();
    if (MediaTypes.isIndex(manifest.mediaType())) {
      for (JsonNode child : manifest.json().path("manifests")) {
        images.add(child.path("digest").asText());
      }
    } else {
      images.add(job.subject());
    }
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      progress.update(i, images.size(), "scanning " + images.get(i));
      ImageScan scan = scanImage(images.get(i));
      if (scan.status().equals(ImageScan.FAILED)) {
        failures.add(images.get(i) + ": " + scan.error());
      }
    }
    progress.update(images.size(), images.size(), failures.isEmpty() ? "scanned" : "failed");
    EventType outcome = failures.isEmpty() ? EventType.SCAN_SUCCEEDED : EventType.SCAN_FAILED;
    Event event = Event.of(outcome, clock.instant(), new Caller("system", "local", "job-" + job.id()),
        RepositoryName.of(repository), Digest.parse(job.subject()), null, manifest.mediaType());
    db.inTransaction(tx -> {
      events.append(tx, event);
      return null;
    });
    if (!failures.isEmpty()) {
      throw new JobHandler.Permanent(String.join("; ", failures));
    }
  }

  /** Scans one image manifest, reusing stored layer inventories; stores and returns the result. */
  public ImageScan scanImage(String digest) throws IOException {
    // Elapsed time, not the injected clock: tests move that clock, which would distort durations.
    long started = System.nanoTime();
    String outcome = ImageScan.FAILED;
    try {
      ImageScan scan = scan(digest);
      outcome = scan.status();
      return scan;
    } finally {
      listener.scanned(outcome, Duration.ofNanos(System.nanoTime() - started));
    }
  }

  private ImageScan scan(String digest) throws IOException {
    Stored manifest = manifest(digest).orElseThrow(() -> new JobHandler.Permanent("manifest " + digest + " unknown"));
    JsonNode root = manifest.json();
    String configType = root.path("config").path("mediaType").asText();
    long now = clock.millis();
    VulnerabilityDatabase.Snapshot snapshot = vulndb.current();
    if (!isContainerImage(manifest.mediaType(), configType)) {
      return save(new ImageScan(digest, ImageScan.UNSUPPORTED, "not a container image (" + configType + ")", List.of(),
          List.of(), null, snapshot.version(), SeverityCounts.NONE, List.of(), now, now));
    }
    List<String> layers = new ArrayList<>();
    for (JsonNode layer : root.path("layers")) {
      layers.add(layer.path("digest").asText());
    }
    List<String> history = history(root.path("config").path("digest").asText(), layers.size());
    List<LayerInventory> inventories = new ArrayList<>();
    try {
      for (String layer : layers) {
        inventories.add(layerInventory(layer));
      }
    } catch (LayerException e) {
      log.warn("scan of {} failed: {}", digest, e.getMessage());
      return save(new ImageScan(digest, ImageScan.FAILED, e.getMessage(), layers, history, null, snapshot.version(),
          SeverityCounts.NONE, List.of(), now, now));
    }
    ImageInventory image = ImageInventory.merge(inventories);
    List<Finding> findings = Matcher.match(image.packages(), snapshot.index(), MatchOptions.DEFAULT);
    String os = image.osRelease() == null ? null : image.osRelease().ecosystem();
    return save(new ImageScan(digest, ImageScan.SUCCEEDED, null, layers, history, os, snapshot.version(),
        SeverityCounts.of(findings), findings, now, now));
  }

  /** The merged bill of materials of a scanned image, from stored layer inventories. */
  public Optional<ImageInventory> inventory(String digest) throws IOException {
    Optional<ImageScan> scan = result(digest);
    if (scan.isEmpty() || !scan.get().status().equals(ImageScan.SUCCEEDED)) {
      return Optional.empty();
    }
    List<LayerInventory> inventories = new ArrayList<>();
    for (String layer : scan.get().layers()) {
      inventories.add(storedInventory(layer).orElseThrow(() -> new IOException("inventory of " + layer + " missing")));
    }
    return Optional.of(ImageInventory.merge(inventories));
  }

  /**
   * Matches every successfully scanned image again from stored inventories against the current
   * database and publishes {@code vulnerabilities.changed} for each image whose findings changed.
   * Returns how many changed.
   */
  public int rematchAll(JobHandler.Progress progress) throws IOException {
    VulnerabilityDatabase.Snapshot snapshot = vulndb.current();
    long total = db.readOnly(store::countSucceeded);
    Map<String, LayerInventory> layerCache = new HashMap<>();
    int changed = 0;
    long now = clock.millis();
    long done = 0;
    String after = "";
    while (true) {
      // Pages keep memory bounded however many images are stored.
      String from = after;
      List<ScanStore.Matched> rows = db.readOnly(tx -> store.succeededAfter(tx, from, REMATCH_BATCH));
      if (rows.isEmpty()) {
        break;
      }
      List<ImageScan> batch = new ArrayList<>(rows.size());
      List<FindingsChange> changes = new ArrayList<>();
      for (ScanStore.Matched row : rows) {
        List<String> layers = row.layers();
        List<LayerInventory> inventories = new ArrayList<>(layers.size());
        for (String layer : layers) {
          LayerInventory inventory = layerCache.get(layer);
          if (inventory == null) {
            inventory = storedInventory(layer).orElseThrow(() -> new IOException("inventory of " + layer + " missing"));
            if (layerCache.size() > LAYER_CACHE_ENTRIES) {
              layerCache.clear();
            }
            layerCache.put(layer, inventory);
          }
          inventories.add(inventory);
        }
        List<Finding> findings = Matcher.match(ImageInventory.merge(inventories).packages(), snapshot.index(),
            MatchOptions.DEFAULT);
        if (!keys(findings).equals(keys(row.findings()))) {
          changes.add(FindingsChange.of(row.digest(), row.findings(), findings));
        }
        batch.add(new ImageScan(row.digest(), ImageScan.SUCCEEDED, null, layers, null, null, snapshot.version(),
            SeverityCounts.of(findings), findings, 0, now));
      }
      storeMatches(batch, changes);
      changed += changes.size();
      done += rows.size();
      after = rows.getLast().digest();
      progress.update(done, total, "re-matching stored images");
    }
    progress.update(done, total, changed + " images changed");
    return changed;
  }

  /**
   * New findings of many images in one transaction, with a {@code vulnerabilities.changed} event per
   * repository holding a changed image: a re-match of thousands costs a few commits.
   */
  private void storeMatches(List<ImageScan> matches, List<FindingsChange> changes) {
    db.inTransaction(tx -> {
      store.updateMatches(tx, matches);
      for (FindingsChange change : changes) {
        for (RepositoryName repository : registry.repositoriesWith(tx, change.digest())) {
          events.append(tx, new Event(0, EventType.VULNERABILITIES_CHANGED, clock.instant(), Caller.SYSTEM, repository,
              Digest.parse(change.digest()), null, null, null, change.detail()));
          if (!change.found().isEmpty()) {
            events.append(tx, new Event(0, EventType.VULNERABILITY_FOUND, clock.instant(), Caller.SYSTEM, repository,
                Digest.parse(change.digest()), null, null, null, change.foundDetail()));
          }
        }
      }
      return null;
    });
  }

  /**
   * Which vulnerability ids an image gained and lost in a re-match: what a subscriber alerts on ("new
   * vulnerability found in a stored image") without fetching both scans.
   */
  record FindingsChange(String digest, SortedSet<String> found, SortedSet<String> resolved) {
    /** Ids listed per event at most; the counts are always whole. */
    static final int MAX_IDS = 100;

    static FindingsChange of(String digest, List<Finding> before, List<Finding> after) {
      SortedSet<String> was = ids(before);
      SortedSet<String> is = ids(after);
      SortedSet<String> found = new TreeSet<>(is);
      found.removeAll(was);
      SortedSet<String> resolved = new TreeSet<>(was);
      resolved.removeAll(is);
      return new FindingsChange(digest, found, resolved);
    }

    private static SortedSet<String> ids(List<Finding> findings) {
      SortedSet<String> ids = new TreeSet<>();
      findings.forEach(f -> ids.add(f.vulnerabilityId()));
      return ids;
    }

    /** Event detail: {@code found} and {@code resolved} as comma-separated ids, with their counts. */
    Map<String, String> detail() {
      Map<String, String> detail = new HashMap<>(foundDetail());
      detail.put("resolved", String.join(",", resolved.stream().limit(MAX_IDS).toList()));
      detail.put("resolvedCount", Integer.toString(resolved.size()));
      return detail;
    }

    /** The {@code vulnerability.found} detail: only what is new. */
    Map<String, String> foundDetail() {
      return Map.of("found", String.join(",", found.stream().limit(MAX_IDS).toList()),
          "foundCount", Integer.toString(found.size()));
    }
  }

  private static Set<String> keys(List<Finding> findings) {
    Set<String> keys = new HashSet<>();
    for (Finding f : findings) {
      keys.add(f.vulnerabilityId() + "|" + f.packageName() + "|" + f.version() + "|" + f.path() + "|" + f.severity());
    }
    return keys;
  }

  public Optional<ImageScan> result(String digest) {
    return db.readOnly(tx -> store.findScan(tx, digest));
  }

  /** Whether the image has a successful scan, as of the caller's transaction. */
  boolean hasSucceeded(Tx tx, String digest) {
    return store.hasSucceeded(tx, digest);
  }

  /**
   * Scan's part in deleting a repository ({@link io.portcullis.repository.RepositoryDeletionParticipant}),
   * in the deletion's transaction and before the registry removes the manifests: the results of the
   * repository's manifests that no other repository holds go. Results are kept by digest, so those of a
   * manifest another repository holds stay with it.
   */
  public void forgetRepository(Tx tx, RepositoryName repository) {
    store.deleteScans(tx, registry.manifestsHeldOnlyBy(tx, repository));
  }

  private ImageScan save(ImageScan scan) {
    db.inTransaction(tx -> {
      store.putScan(tx, scan);
      return null;
    });
    return scan;
  }

  private LayerInventory layerInventory(String layer) throws IOException {
    Optional<LayerInventory> stored = storedInventory(layer);
    if (stored.isPresent()) {
      return stored.get();
    }
    LayerInventory inventory;
    try (InputStream in = open(layer)) {
      inventory = scanner.scan(in, layer, limits);
    }
    long now = clock.millis();
    db.inTransaction(tx -> {
      store.putInventory(tx, inventory, ANALYZER_VERSION, now);
      return null;
    });
    return inventory;
  }

  private Optional<LayerInventory> storedInventory(String layer) throws IOException {
    return db.readOnly(tx -> store.findInventory(tx, layer, ANALYZER_VERSION));
  }

  private InputStream open(String digest) throws IOException {
    long size = db.readOnly(tx -> registry.blobSize(tx, digest))
        .orElseThrow(() -> new JobHandler.Permanent("blob " + digest + " is not stored"));
    return blobs.source(Digest.parse(digest), size).openStream();
  }

  /** The command that created each non-empty layer, from the image config's history. */
  private List<String> history(String configDigest, int layerCount) throws IOException {
    List<String> commands = new ArrayList<>();
    try (InputStream in = open(configDigest)) {
      JsonNode config = json.readTree(in.readNBytes(4 * 1024 * 1024));
      for (JsonNode entry : config.path("history")) {
        if (!entry.path("empty_layer").asBoolean(false)) {
          commands.add(entry.path("created_by").isTextual() ? entry.path("created_by").asText() : null);
        }
      }
    }
    List<String> aligned = new ArrayList<>(layerCount);
    for (int i = 0; i < layerCount; i++) {
      aligned.add(i < commands.size() ? commands.get(i) : null);
    }
    return aligned;
  }

  private record Stored(String mediaType, JsonNode json) {}

  private Optional<Stored> manifest(String digest) throws IOException {
    Optional<RegistryContent.Manifest> row = db.readOnly(tx -> registry.manifest(tx, digest));
    if (row.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Stored(row.get().mediaType(), json.readTree(row.get().payload())));
  }
}
