package io.portcullis.gc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.auth.TestClock;
import io.portcullis.events.EventLog;
import io.portcullis.events.EventQuery;
import io.portcullis.events.EventType;
import io.portcullis.events.jdbc.JdbcEventStore;
import io.portcullis.gc.jdbc.JdbcGcStore;
import io.portcullis.jobs.JobQueue;
import io.portcullis.jobs.JobRunner;
import io.portcullis.jobs.jdbc.JdbcJobStore;
import io.portcullis.metadata.DatabaseContract;
import io.portcullis.registry.BlobService;
import io.portcullis.registry.ManifestService;
import io.portcullis.registry.RegistrySweep;
import io.portcullis.registry.UploadService;
import io.portcullis.registry.jdbc.JdbcBlobLinkStore;
import io.portcullis.registry.jdbc.JdbcManifestStore;
import io.portcullis.registry.jdbc.JdbcSweepStore;
import io.portcullis.repository.RepositoryService;
import io.portcullis.repository.SettingsChange;
import io.portcullis.repository.jdbc.JdbcRepositoryStore;
import io.portcullis.shared.ByteSource;
import io.portcullis.shared.Caller;
import io.portcullis.shared.Digest;
import io.portcullis.shared.MediaTypes;
import io.portcullis.shared.RegistryException;
import io.portcullis.shared.RepositoryName;
import io.portcullis.shared.Tag;
import io.portcullis.storage.BlobSource;
import io.portcullis.storage.StagedUpload;
import io.portcullis.storage.fs.FsBlobStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Garbage collection wired to the registry as the composition root wires it, on each database. */
abstract class GcContract extends DatabaseContract {
  static final Caller ALICE = new Caller("alice", "192.0.2.1", "req-1");
  static final Caller GC = new Caller("gc", "local", "job-1");
  static final RepositoryName APP = RepositoryName.of("acme/app");
  static final RepositoryName OTHER = RepositoryName.of("beta/other");
  static final Duration GRACE = Duration.ofHours(1);

  @TempDir
  Path storage;
  final TestClock clock = new TestClock(Instant.parse("2030-01-01T00:00:00Z"));
  EventLog events;
  RepositoryService repositories;
  FsBlobStore store;
  BlobService blobs;
  UploadService uploads;
  ManifestService manifests;
  RegistrySweep sweep;
  GarbageCollector collector;

  @BeforeEach
  void setUp() throws Exception {
    wire(clock, GRACE);
  }

  void wire(Clock time, Duration grace) throws Exception {
    events = new EventLog(database.db, new JdbcEventStore(new ObjectMapper()), time, "test");
    repositories = new RepositoryService(database.db, new JdbcRepositoryStore(), events, time);
    store = new FsBlobStore(storage.resolve("data"));
    JdbcBlobLinkStore links = new JdbcBlobLinkStore();
    JdbcManifestStore manifestStore = new JdbcManifestStore();
    blobs = new BlobService(database.db, links, store, repositories, events, time);
    uploads = new UploadService(store, blobs, time, 1 << 20, new byte[32]);
    manifests = new ManifestService(database.db, manifestStore, blobs, repositories, events, time);
    repositories.addDeletionParticipant(manifests);
    repositories.addDeletionParticipant(blobs);
    sweep = new RegistrySweep(database.db, new JdbcSweepStore(), manifestStore, store, manifests, blobs, repositories,
        events);
    collector = new GarbageCollector(sweep, uploads, time, grace, Duration.ofHours(24));
  }

  // ---- pushing

  Digest upload(RepositoryName repository, byte[] content) throws Exception {
    Digest digest = Digest.sha256(content);
    UploadService.Status session = uploads.start(repository);
    uploads.complete(repository, session.id(), session.state(), digest, null, content.length, ByteSource.of(content),
        ALICE);
    return digest;
  }

  /** An image of a fresh config and the given layers; returns its manifest's digest. */
  Digest pushImage(RepositoryName repository, String tag, byte[]... layers) throws Exception {
    return pushImage(repository, tag, null, layers);
  }

  Digest pushImage(RepositoryName repository, String tag, Digest subject, byte[]... layers) throws Exception {
    byte[] config = ("{\"n\":" + ThreadLocalRandom.current().nextLong() + "}").getBytes(StandardCharsets.UTF_8);
    upload(repository, config);
    StringBuilder json = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST
        + "\",\"config\":" + descriptor("application/vnd.oci.image.config.v1+json", config) + ",\"layers\":[");
    for (int i = 0; i < layers.length; i++) {
      upload(repository, layers[i]);
      json.append(i == 0 ? "" : ",").append(descriptor("application/vnd.oci.image.layer.v1.tar", layers[i]));
    }
    json.append("]");
    if (subject != null) {
      json.append(",\"subject\":{\"mediaType\":\"").append(MediaTypes.OCI_MANIFEST).append("\",\"digest\":\"")
          .append(subject).append("\",\"size\":1}");
    }
    return put(repository, tag, json.append("}").toString(), MediaTypes.OCI_MANIFEST);
  }

  Digest pushIndex(RepositoryName repository, String tag, Digest... children) throws Exception {
    StringBuilder json = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX
        + "\",\"manifests\":[");
    for (int i = 0; i < children.length; i++) {
      ManifestService.Manifest child = manifests.get(repository, new ManifestService.ByDigest(children[i]), false, ALICE);
      json.append(i == 0 ? "" : ",").append("{\"mediaType\":\"").append(child.mediaType()).append("\",\"digest\":\"")
          .append(child.digest()).append("\",\"size\":").append(child.size()).append(",\"platform\":{\"os\":\"linux\","
              + "\"architecture\":\"arch").append(i).append("\"}}");
    }
    return put(repository, tag, json.append("]}").toString(), MediaTypes.OCI_INDEX);
  }

  private Digest put(RepositoryName repository, String tag, String json, String mediaType) {
    byte[] payload = json.getBytes(StandardCharsets.UTF_8);
    ManifestService.Reference reference = tag == null ? new ManifestService.ByDigest(Digest.sha256(payload))
        : new ManifestService.ByTag(new Tag(tag));
    return manifests.put(repository, reference, mediaType, payload, ALICE).digest();
  }

  private static String descriptor(String mediaType, byte[] content) {
    return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + Digest.sha256(content) + "\",\"size\":"
        + content.length + "}";
  }

  static byte[] bytes(int n) {
    byte[] b = new byte[n];
    ThreadLocalRandom.current().nextBytes(b);
    return b;
  }

  // ---- looking

  GcReport collect(boolean dryRun, boolean deleteUntagged) throws Exception {
    return collector.collect(dryRun, deleteUntagged, GC, (phase, soFar) -> {});
  }

  boolean stored(byte[] content) throws Exception {
    return store.stat(Digest.sha256(content)).isPresent();
  }

  boolean hasManifest(RepositoryName repository, Digest digest) {
    try {
      manifests.get(repository, new ManifestService.ByDigest(digest), false, ALICE);
      return true;
    } catch (RegistryException e) {
      return false;
    }
  }

  /** Every blob the manifest (and its children) needs is linked here and its file holds exactly its bytes. */
  void assertPullable(RepositoryName repository, Digest manifest) throws Exception {
    ManifestService.Manifest m = manifests.get(repository, new ManifestService.ByDigest(manifest), false, ALICE);
    var root = new ObjectMapper().readTree(m.payload());
    for (var child : root.path("manifests")) {
      assertPullable(repository, Digest.parse(child.get("digest").asText()));
    }
    List<String> needed = new ArrayList<>();
    if (root.has("config")) {
      needed.add(root.get("config").get("digest").asText());
    }
    root.path("layers").forEach(l -> needed.add(l.get("digest").asText()));
    for (String digest : needed) {
      BlobSource.LocalFile file = (BlobSource.LocalFile) blobs.open(repository, Digest.parse(digest));
      assertThat(Digest.sha256(Files.readAllBytes(file.path())).toString()).as(digest).isEqualTo(digest);
    }
  }

  // ---- the phases

  @Test
  void aBlobSharedWithAnotherRepositoryStaysWhenOneRepositoryGoes() throws Exception {
    byte[] shared = bytes(3000);
    byte[] unique = bytes(5000);
    Digest gone = pushImage(APP, "v1", shared, unique);
    Digest kept = pushImage(OTHER, "v1", shared, bytes(700));
    repositories.delete(APP, ALICE);
    clock.advance(Duration.ofMinutes(1));

    GcReport report = collect(false, false);

    assertThat(report.blobs()).as("the unique layer and the config").isEqualTo(2);
    assertThat(report.bytes()).isGreaterThan(5000);
    assertThat(stored(unique)).isFalse();
    assertThat(stored(shared)).isTrue();
    assertPullable(OTHER, kept);
    assertThat(hasManifest(APP, gone)).isFalse();
    assertThat(collect(false, false).blobs()).as("nothing left to do").isZero();
  }

  @Test
  void linksNoManifestReferencesGoAfterTheGraceWindowAndTheirBlobsWithThem() throws Exception {
    byte[] shared = bytes(1000);
    byte[] unique = bytes(2000);
    Digest old = pushImage(APP, "v1", shared, unique);
    Digest other = pushImage(OTHER, "v1", shared);
    manifests.delete(APP, new ManifestService.ByDigest(old), ALICE);
    byte[] inFlight = bytes(400);
    clock.advance(Duration.ofMinutes(59));
    upload(APP, inFlight);

    assertThat(collect(false, false).links()).as("links younger than the grace window stay").isZero();
    clock.advance(Duration.ofMinutes(2));
    GcReport report = collect(false, false);

    assertThat(report.links()).as("config, shared and unique layer of the deleted manifest").isEqualTo(3);
    assertThat(report.blobs()).as("config and unique layer").isEqualTo(2);
    assertThat(report.namespaces().get("acme").links()).isEqualTo(3);
    assertThat(report.namespaces().get("acme").bytes()).as("all three leave acme's usage").isGreaterThan(3000);
    assertThat(blobs.size(APP, Digest.sha256(shared))).isEmpty();
    assertThat(blobs.size(APP, Digest.sha256(inFlight))).as("an upload whose manifest has not come yet").isPresent();
    assertThat(stored(shared)).isTrue();
    assertThat(stored(unique)).isFalse();
    assertPullable(OTHER, other);
  }

  @Test
  void untaggedManifestsGoOnlyWhenAskedAndNeverWhatAKeptManifestReaches() throws Exception {
    byte[] layer = bytes(100);
    Digest child1 = pushImage(APP, null, layer);
    Digest child2 = pushImage(APP, null, bytes(100));
    Digest index = pushIndex(APP, "multi", child1, child2);
    Digest tagged = pushImage(APP, "v1", bytes(100));
    Digest signature = pushImage(APP, null, tagged, bytes(50));
    Digest untagged = pushImage(APP, null, bytes(300));
    Digest orphanChild = pushImage(APP, null, bytes(100));
    Digest untaggedIndex = pushIndex(APP, null, orphanChild);
    Digest sbomOfUntagged = pushImage(APP, null, untagged, bytes(60));
    clock.advance(Duration.ofHours(2));
    Digest young = pushImage(APP, null, bytes(100));

    assertThat(collect(false, false).manifests()).as("off unless asked").isZero();
    assertThat(hasManifest(APP, untagged)).isTrue();

    GcReport dry = collect(true, true);
    GcReport report = collect(false, true);

    assertThat(report.manifests()).as("untagged, its referrer, the untagged index and its child").isEqualTo(4);
    assertThat(dry.manifests()).isEqualTo(4);
    for (Digest d : List.of(untagged, sbomOfUntagged, untaggedIndex, orphanChild)) {
      assertThat(hasManifest(APP, d)).as(d.toString()).isFalse();
    }
    for (Digest d : List.of(child1, child2, index, tagged, signature, young)) {
      assertThat(hasManifest(APP, d)).as(d.toString()).isTrue();
    }
    assertPullable(APP, index);
    assertPullable(APP, tagged);
    assertPullable(APP, young);
    assertThat(stored(layer)).isTrue();
    assertThat(report.blobs()).as("config and layer of each of the three images (an index has no blobs)").isEqualTo(6);
    assertThat(events.search(new EventQuery(0, 100, null, "gc", EventType.MANIFEST_DELETED, null, null)))
        .hasSize(4);
  }

  @Test
  void anImmutableRepositoryKeepsItsUntaggedManifests() throws Exception {
    Digest untagged = pushImage(APP, null, bytes(100));
    repositories.update(APP, new SettingsChange(null, false, null, null, true), ALICE);
    clock.advance(Duration.ofHours(2));

    GcReport report = collect(false, true);

    assertThat(report.manifests()).isZero();
    assertThat(report.links()).isZero();
    assertPullable(APP, untagged);
  }

  @Test
  void aDryRunDeletesNothingAndReportsWhatTheRunThenFrees() throws Exception {
    byte[] shared = bytes(1000);
    Digest a = pushImage(APP, "v1", shared, bytes(2000));
    pushImage(OTHER, "v1", shared, bytes(3000));
    Digest b2 = pushImage(OTHER, null, bytes(4000));
    manifests.delete(APP, new ManifestService.ByDigest(a), ALICE);
    repositories.delete(OTHER, ALICE);
    clock.advance(Duration.ofHours(2));
    long before = blobs.usage().bytes();

    GcReport dry = collect(true, true);
    assertThat(blobs.usage().bytes()).isEqualTo(before);
    GcReport real = collect(false, true);

    assertThat(dry).usingRecursiveComparison().ignoringFields("uploads").isEqualTo(real);
    assertThat(real.bytes()).isEqualTo(before);
    assertThat(blobs.usage().blobs()).isZero();
    assertThat(real.namespaces()).as("beta's links went with its repository").containsOnlyKeys("acme");
    assertThat(real.namespaces().get("acme").links()).isEqualTo(3);
    assertThat(real.namespaces().get("acme").bytes()).as("its config and both layers").isBetween(3000L, 3100L);
    assertThat(hasManifest(OTHER, b2)).isFalse();
  }

  @Test
  void filesWithoutARowGoOnceOlderThanTheGraceWindow() throws Exception {
    byte[] kept = bytes(100);
    pushImage(APP, "v1", kept);
    byte[] oldOrphan = bytes(1234);
    byte[] youngOrphan = bytes(55);
    Path old = writeBlobFile(oldOrphan, clock.instant().minus(Duration.ofHours(2)));
    Path young = writeBlobFile(youngOrphan, clock.instant().minus(Duration.ofMinutes(10)));

    assertThat(collect(true, false).orphanFiles()).isEqualTo(1);
    assertThat(Files.exists(old)).as("a dry run leaves it").isTrue();
    GcReport report = collect(false, false);

    assertThat(report.orphanFiles()).isEqualTo(1);
    assertThat(report.orphanBytes()).isEqualTo(1234);
    assertThat(Files.exists(old)).isFalse();
    assertThat(Files.exists(young)).isTrue();
    assertThat(stored(kept)).isTrue();
  }

  private Path writeBlobFile(byte[] content, Instant modified) throws Exception {
    Digest digest = Digest.sha256(content);
    Path path = storage.resolve("data/blobs/sha256").resolve(digest.hex().substring(0, 2)).resolve(digest.hex());
    Files.createDirectories(path.getParent());
    Files.write(path, content);
    Files.setLastModifiedTime(path, FileTime.from(modified));
    return path;
  }

  @Test
  void staleUploadStagingFilesGo() throws Exception {
    UploadService.Status session = uploads.start(APP);
    Path staging = storage.resolve("data/uploads").resolve(session.id());
    Files.write(staging, bytes(10));
    Files.setLastModifiedTime(staging, FileTime.from(Instant.now().minus(Duration.ofDays(2))));

    assertThat(collect(true, false).uploads()).as("a dry run leaves uploads alone").isZero();
    assertThat(Files.exists(staging)).isTrue();
    assertThat(collect(false, false).uploads()).isEqualTo(1);
    assertThat(Files.exists(staging)).isFalse();
  }

  // ---- runs

  @Test
  void aRunIsAJobOneAtATimeWithItsHistoryProgressAndEvent() throws Exception {
    byte[] unique = bytes(2500);
    pushImage(APP, "v1", unique);
    repositories.delete(APP, ALICE);
    JobQueue queue = new JobQueue(database.db, new JdbcJobStore(), clock);
    JobRunner runner = new JobRunner(queue, 2, Duration.ofMillis(50));
    List<GcRun> finished = new java.util.concurrent.CopyOnWriteArrayList<>();
    GcService gc = new GcService(database.db, new JdbcGcStore(new ObjectMapper()), collector, runner, events, clock,
        false, (run, took) -> finished.add(run));
    runner.register(GcService.JOB_KIND, gc);

    GcService.Requested dry = gc.request(true, null, ALICE);
    GcService.Requested again = gc.request(false, true, ALICE);
    assertThat(dry.created()).isTrue();
    assertThat(dry.run().state()).isEqualTo(GcRun.QUEUED);
    assertThat(again.created()).as("one run at a time: the queued one is answered").isFalse();
    assertThat(again.run().id()).isEqualTo(dry.run().id());
    try {
      runner.start();
      assertThat(queue.awaitFinished(dry.run().jobId(), Duration.ofSeconds(20)).orElseThrow().state())
          .isEqualTo("succeeded");
      GcRun done = gc.find(dry.run().id()).orElseThrow();
      assertThat(done.state()).isEqualTo(GcRun.SUCCEEDED);
      assertThat(done.dryRun()).isTrue();
      assertThat(done.requestedBy()).isEqualTo("alice");
      assertThat(done.phase()).isEqualTo("orphans");
      assertThat(done.report().blobs()).isEqualTo(2);
      assertThat(done.startedAt()).isNotNull();
      assertThat(done.finishedAt()).isNotNull();
      assertThat(stored(unique)).as("a dry run").isTrue();

      GcService.Requested real = gc.request(false, null, ALICE);
      assertThat(real.created()).isTrue();
      queue.awaitFinished(real.run().jobId(), Duration.ofSeconds(20));
      GcRun freed = gc.find(real.run().id()).orElseThrow();
      assertThat(freed.report()).usingRecursiveComparison().isEqualTo(done.report());
      assertThat(freed.message()).startsWith("freed " + done.report().freedBytes() + " bytes");
      assertThat(stored(unique)).isFalse();
      assertThat(gc.list(0, 10)).extracting(GcRun::id).containsExactly(real.run().id(), dry.run().id());
      assertThat(finished).extracting(GcRun::dryRun).containsExactly(true, false);
      assertThat(events.search(new EventQuery(0, 10, null, null, EventType.GC_COMPLETED, null, null)))
          .hasSize(2).first().satisfies(e -> assertThat(e.detail()).containsEntry("dryRun", "false")
              .containsEntry("blobs", "2").containsEntry("freedBytes", String.valueOf(done.report().freedBytes())));
    } finally {
      runner.close();
    }
  }

  @Test
  void aScheduledRunUsesTheDefaultsAndEndsARunWhoseRunnerDied() throws Exception {
    JobQueue queue = new JobQueue(database.db, new JdbcJobStore(), clock);
    JobRunner runner = new JobRunner(queue, 1, Duration.ofMillis(50));
    JdbcGcStore store = new JdbcGcStore(new ObjectMapper());
    GcService gc = new GcService(database.db, store, collector, runner, events, clock, true, (run, took) -> {});
    // A run whose job is no more: its runner died and the job was given up.
    database.db.inTransaction(tx -> store.insertIfAbsent(tx, 9999, false, false, "alice", clock.instant()));
    // As the scheduler queues it: the schedule's name as subject, no payload, no run row yet.
    long scheduled = queue.enqueue(GcService.JOB_KIND, GcService.SUBJECT, null, 1);
    runner.register(GcService.JOB_KIND, gc);
    try {
      runner.start();
      queue.awaitFinished(scheduled, Duration.ofSeconds(20));
    } finally {
      runner.close();
    }
    List<GcRun> runs = gc.list(0, 10);
    assertThat(runs).hasSize(2);
    assertThat(runs.get(0).jobId()).isEqualTo(scheduled);
    assertThat(runs.get(0).requestedBy()).isEqualTo("schedule");
    assertThat(runs.get(0).deleteUntagged()).as("gc.delete-untagged").isTrue();
    assertThat(runs.get(0).state()).isEqualTo(GcRun.SUCCEEDED);
    assertThat(runs.get(1).state()).isEqualTo(GcRun.FAILED);
    assertThat(runs.get(1).message()).startsWith("interrupted");
  }

  // ---- races

  @Test
  void anUploadCommittingTheDigestTheSweepDeletesEndsWithItsBytesStored() throws Exception {
    byte[] content = bytes(4000);
    Digest digest = upload(APP, content);
    blobs.delete(APP, digest, ALICE);
    // The upload's transaction holds the blob row (upserted, file renamed in) while the sweep runs.
    CountDownLatch locked = new CountDownLatch(1);
    CountDownLatch swept = new CountDownLatch(1);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    JdbcBlobLinkStore links = new JdbcBlobLinkStore();
    Future<?> committing = pool.submit(() -> database.db.inTransaction(tx -> {
      repositories.ensure(tx, OTHER, ALICE);
      links.upsertBlob(tx, digest, content.length, clock.millis());
      StagedUpload staged = store.staging("racing-upload", true);
      staged.write(ByteBuffer.wrap(content));
      staged.sync();
      store.promote(staged, digest);
      links.link(tx, OTHER, digest, clock.millis());
      locked.countDown();
      // Long enough for the sweep to reach the row: on PostgreSQL it skips it, on SQLite it waits.
      swept.await(2, TimeUnit.SECONDS);
      return null;
    }));
    locked.await();
    Future<GcReport> gc = Executors.newSingleThreadExecutor().submit(() -> collect(false, false));
    Thread.sleep(300);
    swept.countDown();
    committing.get(10, TimeUnit.SECONDS);
    gc.get(10, TimeUnit.SECONDS);
    pool.shutdown();

    BlobSource.LocalFile file = (BlobSource.LocalFile) blobs.open(OTHER, digest);
    assertThat(Files.readAllBytes(file.path())).isEqualTo(content);
    assertThat(collect(false, false).blobs()).as("linked now").isZero();
  }

  @Test
  void anUploadAfterTheSweepDeletedTheDigestStoresItAgain() throws Exception {
    byte[] content = bytes(4000);
    Digest digest = upload(APP, content);
    blobs.delete(APP, digest, ALICE);
    // The upload starts its commit before the sweep and reaches the blob row after it.
    CountDownLatch guarded = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean once = new AtomicBoolean();
    blobs.addLinkGuard((tx, repository, d, size, caller) -> {
      if (once.compareAndSet(false, true)) {
        guarded.countDown();
        try {
          release.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    });
    ExecutorService pool = Executors.newSingleThreadExecutor();
    Future<Digest> uploading = pool.submit(() -> upload(OTHER, content));
    guarded.await();
    boolean sqlite = database.db.dialect() == io.portcullis.metadata.Database.Dialect.SQLITE;
    Future<GcReport> gc = Executors.newSingleThreadExecutor().submit(() -> collect(false, false));
    if (!sqlite) {
      // PostgreSQL: the sweep deletes row and file while the upload waits in its guard.
      assertThat(gc.get(10, TimeUnit.SECONDS).blobs()).isEqualTo(1);
      assertThat(store.stat(digest)).isEmpty();
    }
    release.countDown();
    uploading.get(10, TimeUnit.SECONDS);
    gc.get(10, TimeUnit.SECONDS);
    pool.shutdown();

    BlobSource.LocalFile file = (BlobSource.LocalFile) blobs.open(OTHER, digest);
    assertThat(Files.readAllBytes(file.path())).isEqualTo(content);
  }

  @Test
  void aTagPushedOnAnUntaggedManifestWhileTheSweepDeletesItLeavesItTagged() throws Exception {
    byte[] layer = bytes(500);
    Digest untagged = pushImage(APP, null, layer);
    ManifestService.Manifest m = manifests.get(APP, new ManifestService.ByDigest(untagged), false, ALICE);
    clock.advance(Duration.ofHours(2));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    Future<GcReport> gc = pool.submit(() -> collect(false, true));
    Future<?> tagging = pool.submit(() -> manifests.put(APP, new ManifestService.ByTag(new Tag("late")), m.mediaType(),
        m.payload(), ALICE));
    gc.get(10, TimeUnit.SECONDS);
    try {
      tagging.get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      // The sweep unlinked the blobs first: the push is refused (the client uploads them again), never half done.
      assertThat(e.getCause()).isInstanceOf(RegistryException.class);
      return;
    } finally {
      pool.shutdown();
    }
    assertPullable(APP, manifests.get(APP, new ManifestService.ByTag(new Tag("late")), false, ALICE).digest());
  }

  @Test
  void concurrentPushesDeletesAndCollectionsNeverLoseATaggedImage() throws Exception {
    wire(Clock.systemUTC(), Duration.ZERO);
    List<byte[]> layers = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      layers.add(bytes(2000));
    }
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<Integer>> pushers = new ArrayList<>();
    for (int p = 0; p < 3; p++) {
      RepositoryName repository = RepositoryName.of("ns" + p + "/app");
      pushers.add(pool.submit(() -> {
        int pushed = 0;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (!stop.get()) {
          try {
            pushImage(repository, "t" + random.nextInt(3), layers.get(random.nextInt(6)), layers.get(random.nextInt(6)));
            pushed++;
            if (random.nextInt(4) == 0) {
              manifests.delete(repository, new ManifestService.ByTag(new Tag("t" + random.nextInt(3))), ALICE);
            }
          } catch (RegistryException e) {
            // MANIFEST_BLOB_UNKNOWN: the collector took an unreferenced upload first (grace zero); or no such tag.
          }
        }
        return pushed;
      }));
    }
    Future<Integer> gcLoop = pool.submit(() -> {
      int runs = 0;
      while (!stop.get()) {
        collector.collect(false, true, GC, (phase, soFar) -> {});
        runs++;
      }
      return runs;
    });
    Thread.sleep(4000);
    stop.set(true);
    int pushed = 0;
    for (Future<Integer> f : pushers) {
      pushed += f.get(30, TimeUnit.SECONDS);
    }
    assertThat(gcLoop.get(30, TimeUnit.SECONDS)).isPositive();
    assertThat(pushed).isPositive();
    pool.shutdown();
    int checked = 0;
    for (int p = 0; p < 3; p++) {
      RepositoryName repository = RepositoryName.of("ns" + p + "/app");
      for (String tag : List.of("t0", "t1", "t2")) {
        try {
          Digest digest = manifests.get(repository, new ManifestService.ByTag(new Tag(tag)), false, ALICE).digest();
          assertPullable(repository, digest);
          checked++;
        } catch (RegistryException e) {
          // The tag was deleted last.
        }
      }
    }
    assertThat(checked).isPositive();
    GcReport last = collect(false, true);
    assertThat(collect(true, true)).as("nothing unreferenced remains").usingRecursiveComparison()
        .ignoringFields("namespaces").isEqualTo(GcReport.EMPTY);
    assertThat(last.manifests()).isGreaterThanOrEqualTo(0);
  }
}
