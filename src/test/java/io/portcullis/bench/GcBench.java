package io.portcullis.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.events.EventLog;
import io.portcullis.events.jdbc.JdbcEventStore;
import io.portcullis.gc.GarbageCollector;
import io.portcullis.gc.GcReport;
import io.portcullis.metadata.Database;
import io.portcullis.registry.BlobService;
import io.portcullis.registry.ManifestService;
import io.portcullis.registry.RegistrySweep;
import io.portcullis.registry.UploadService;
import io.portcullis.registry.jdbc.JdbcBlobLinkStore;
import io.portcullis.registry.jdbc.JdbcManifestStore;
import io.portcullis.registry.jdbc.JdbcSweepStore;
import io.portcullis.repository.RepositoryService;
import io.portcullis.repository.jdbc.JdbcRepositoryStore;
import io.portcullis.shared.ByteSource;
import io.portcullis.shared.Caller;
import io.portcullis.shared.Digest;
import io.portcullis.shared.MediaTypes;
import io.portcullis.shared.RepositoryName;
import io.portcullis.shared.Tag;
import io.portcullis.storage.fs.FsBlobStore;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Garbage collection benchmark (run by bench/gc.sh, not a test): synthetic metadata of MANIFESTS
 * manifests over REPOSITORIES repositories, each manifest referencing LAYERS + 1 blobs of its own
 * (blob rows and links = MANIFESTS × (LAYERS + 1)), a tenth of the manifests untagged; no blob files.
 * Times a dry run and the run (untagged manifests included) with the peak heap, then pushes/s through
 * the registry's services alone and while a collection runs. SQLite in WORK_DIR, or PostgreSQL when
 * BENCH_POSTGRES_URL is set (its public schema is dropped first).
 */
public final class GcBench {
  private static final Caller BENCH = new Caller("bench", "local", "-");

  public static void main(String[] args) throws Exception {
    Path work = Files.createDirectories(Path.of(args[0]));
    int manifests = Integer.parseInt(System.getenv().getOrDefault("MANIFESTS", "100000"));
    int repositories = Integer.parseInt(System.getenv().getOrDefault("REPOSITORIES", "1000"));
    int layers = Integer.parseInt(System.getenv().getOrDefault("LAYERS", "9"));
    int pushSeconds = Integer.parseInt(System.getenv().getOrDefault("PUSH_SECONDS", "10"));
    String postgres = System.getenv("BENCH_POSTGRES_URL");
    if (postgres != null && !postgres.isBlank()) {
      try (var connection = java.sql.DriverManager.getConnection(postgres); var statement = connection.createStatement()) {
        statement.execute("DROP SCHEMA IF EXISTS public CASCADE");
        statement.execute("CREATE SCHEMA public");
      }
    }
    Clock clock = Clock.systemUTC();
    try (Database db = postgres == null || postgres.isBlank() ? Database.embedded(work)
        : Database.postgres(postgres, null, null, 16)) {
      long started = System.nanoTime();
      long old = clock.millis() - Duration.ofDays(1).toMillis();
      fill(db, manifests, repositories, layers, old);
      System.out.printf("%s: %d manifests, %d blob rows and links, filled in %.1f s%n", db.dialect(), manifests,
          (long) manifests * (layers + 1), (System.nanoTime() - started) / 1e9);

      EventLog events = new EventLog(db, new JdbcEventStore(new ObjectMapper()), clock, "bench");
      RepositoryService repos = new RepositoryService(db, new JdbcRepositoryStore(), events, clock);
      FsBlobStore store = new FsBlobStore(work.resolve("data"));
      JdbcBlobLinkStore links = new JdbcBlobLinkStore();
      JdbcManifestStore manifestStore = new JdbcManifestStore();
      BlobService blobs = new BlobService(db, links, store, repos, events, clock);
      UploadService uploads = new UploadService(store, blobs, clock, 1 << 20, new byte[32]);
      ManifestService manifestService = new ManifestService(db, manifestStore, blobs, repos, events, clock);
      RegistrySweep sweep = new RegistrySweep(db, new JdbcSweepStore(), manifestStore, store, manifestService, blobs,
          repos, events);
      GarbageCollector collector = new GarbageCollector(sweep, uploads, clock, Duration.ofHours(1), Duration.ofDays(1));

      measure("dry run", () -> collector.collect(true, true, BENCH, (p, r) -> {}));
      double alone = pushes(uploads, manifestService, pushSeconds, null);
      AtomicBoolean collecting = new AtomicBoolean(true);
      GcReport[] report = new GcReport[1];
      long[] peak = new long[1];
      double[] seconds = new double[1];
      Thread gc = Thread.ofPlatform().start(() -> {
        try {
          long t = System.nanoTime();
          peak[0] = peakHeap(() -> report[0] = collector.collect(false, true, BENCH, (p, r) -> {}));
          seconds[0] = (System.nanoTime() - t) / 1e9;
        } catch (Exception e) {
          throw new RuntimeException(e);
        } finally {
          collecting.set(false);
        }
      });
      double during = pushes(uploads, manifestService, Integer.MAX_VALUE, collecting);
      gc.join();
      System.out.printf("run: %.1f s, peak heap %d MiB; %d manifests, %d links, %d blobs (%d bytes) freed%n",
          seconds[0], peak[0] >> 20, report[0].manifests(), report[0].links(), report[0].blobs(), report[0].bytes());
      System.out.printf("pushes/s: %.1f alone, %.1f during the run (ratio %.2f)%n", alone, during, during / alone);
    }
  }

  @FunctionalInterface
  interface Work {
    void run() throws Exception;
  }

  private static void measure(String what, Work work) throws Exception {
    long t = System.nanoTime();
    long peak = peakHeap(work);
    System.out.printf("%s: %.1f s, peak heap %d MiB%n", what, (System.nanoTime() - t) / 1e9, peak >> 20);
  }

  /** Heap in use at its highest while {@code work} ran, sampled every 20 ms after a collection before it. */
  private static long peakHeap(Work work) throws Exception {
    var memory = ManagementFactory.getMemoryMXBean();
    System.gc();
    AtomicLong peak = new AtomicLong(memory.getHeapMemoryUsage().getUsed());
    AtomicBoolean done = new AtomicBoolean();
    Thread sampler = Thread.ofPlatform().daemon().start(() -> {
      while (!done.get()) {
        peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    try {
      work.run();
    } finally {
      done.set(true);
      sampler.join();
    }
    return peak.get();
  }

  /** Pushes of a one-layer image (two uploads, one manifest) per second, for {@code seconds} or while {@code go}. */
  private static double pushes(UploadService uploads, ManifestService manifests, int seconds, AtomicBoolean go)
      throws Exception {
    RepositoryName repository = RepositoryName.of("bench/pushes");
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    long t = System.nanoTime();
    int pushed = 0;
    while (go == null ? System.nanoTime() < deadline : go.get()) {
      byte[] layer = new byte[4096];
      ThreadLocalRandom.current().nextBytes(layer);
      byte[] config = ("{\"n\":" + ThreadLocalRandom.current().nextLong() + "}").getBytes(StandardCharsets.UTF_8);
      upload(uploads, repository, config);
      upload(uploads, repository, layer);
      String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{\"mediaType\":"
          + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + Digest.sha256(config) + "\",\"size\":"
          + config.length + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\""
          + Digest.sha256(layer) + "\",\"size\":" + layer.length + "}]}";
      manifests.put(repository, new ManifestService.ByTag(new Tag("t" + (pushed % 100))), MediaTypes.OCI_MANIFEST,
          manifest.getBytes(StandardCharsets.UTF_8), BENCH);
      pushed++;
    }
    return pushed / ((System.nanoTime() - t) / 1e9);
  }

  private static void upload(UploadService uploads, RepositoryName repository, byte[] content) throws Exception {
    UploadService.Status session = uploads.start(repository);
    uploads.complete(repository, session.id(), session.state(), Digest.sha256(content), null, content.length,
        ByteSource.of(content), BENCH);
  }

  /** The synthetic registry, in transactions of one repository each. */
  private static void fill(Database db, int manifests, int repositories, int layers, long at) {
    int perRepository = Math.max(1, manifests / repositories);
    long blob = 0;
    for (int r = 0; r < repositories; r++) {
      String repository = "ns" + (r % 50) + "/repo" + r;
      long first = blob;
      int base = r * perRepository;
      db.inTransaction(tx -> {
        var h = tx.handle();
        h.createUpdate("INSERT INTO repositories(name, created_at) VALUES (?, ?)").bind(0, repository).bind(1, at)
            .execute();
        var blobRows = h.prepareBatch("INSERT INTO blobs(digest, size, created_at) VALUES (?, ?, ?)");
        var linkRows = h.prepareBatch("INSERT INTO repository_blobs(repository, digest, created_at) VALUES (?, ?, ?)");
        var manifestRows = h.prepareBatch("INSERT INTO manifests(repository, digest, media_type, size, payload, "
            + "created_at) VALUES (?, ?, ?, ?, ?, ?)");
        var references = h.prepareBatch("INSERT INTO manifest_references(repository, digest, child, child_is_manifest) "
            + "VALUES (?, ?, ?, ?)");
        var tags = h.prepareBatch("INSERT INTO tags(repository, name, digest, updated_at) VALUES (?, ?, ?, ?)");
        long b = first;
        for (int m = 0; m < perRepository; m++) {
          String manifest = digest(1L << 40 | (base + m));
          manifestRows.bind(0, repository).bind(1, manifest).bind(2, MediaTypes.OCI_MANIFEST).bind(3, 500L)
              .bind(4, new byte[] {'{', '}'}).bind(5, at).add();
          for (int l = 0; l <= layers; l++, b++) {
            String d = digest(b);
            blobRows.bind(0, d).bind(1, 1000L + (b % 1000)).bind(2, at).add();
            linkRows.bind(0, repository).bind(1, d).bind(2, at).add();
            references.bind(0, repository).bind(1, manifest).bind(2, d).bind(3, false).add();
          }
          if (m % 10 != 0) {
            tags.bind(0, repository).bind(1, "v" + m).bind(2, manifest).bind(3, at).add();
          }
        }
        blobRows.execute();
        linkRows.execute();
        manifestRows.execute();
        references.execute();
        tags.execute();
        return null;
      });
      blob += (long) perRepository * (layers + 1);
    }
  }

  private static String digest(long n) {
    return "sha256:" + String.format("%064x", n);
  }
}
