package io.portcullis.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.auth.TestClock;
import io.portcullis.events.EventLog;
import io.portcullis.events.EventQuery;
import io.portcullis.events.EventType;
import io.portcullis.events.jdbc.JdbcEventStore;
import io.portcullis.metadata.DatabaseContract;
import io.portcullis.quota.jdbc.JdbcQuotaStore;
import io.portcullis.registry.BlobService;
import io.portcullis.registry.UploadService;
import io.portcullis.registry.jdbc.JdbcBlobLinkStore;
import io.portcullis.repository.RepositoryService;
import io.portcullis.repository.jdbc.JdbcRepositoryStore;
import io.portcullis.shared.ByteSource;
import io.portcullis.shared.Caller;
import io.portcullis.shared.Digest;
import io.portcullis.shared.RegistryError;
import io.portcullis.shared.RegistryException;
import io.portcullis.shared.RepositoryName;
import io.portcullis.storage.fs.FsBlobStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Quotas wired to the registry's blob links as the composition root wires them, on each database. */
abstract class QuotaServiceContract extends DatabaseContract {
  static final Caller ALICE = new Caller("alice", "192.0.2.1", "req-1");
  static final RepositoryName APP = RepositoryName.of("acme/app");
  static final RepositoryName OTHER = RepositoryName.of("acme/other");

  @TempDir
  Path storage;
  final TestClock clock = new TestClock(Instant.parse("2030-01-01T00:00:00Z"));
  final List<String> refusals = new ArrayList<>();
  EventLog events;
  BlobService blobs;
  UploadService uploads;
  QuotaService quotas;

  @BeforeEach
  void setUp() throws Exception {
    events = new EventLog(database.db, new JdbcEventStore(new ObjectMapper()), clock, "test");
    RepositoryService repositories = new RepositoryService(database.db, new JdbcRepositoryStore(), events, clock);
    FsBlobStore store = new FsBlobStore(storage.resolve("data"));
    blobs = new BlobService(database.db, new JdbcBlobLinkStore(), store, repositories, events, clock);
    uploads = new UploadService(store, blobs, clock, 1 << 20, new byte[32]);
    quotas = new QuotaService(database.db, new JdbcQuotaStore(), events, clock, refusals::add);
    blobs.addLinkGuard(quotas);
  }

  Digest upload(RepositoryName repository, byte[] content) throws Exception {
    Digest digest = Digest.sha256(content);
    UploadService.Status session = uploads.start(repository);
    uploads.complete(repository, session.id(), session.state(), digest, null, content.length, ByteSource.of(content),
        ALICE);
    return digest;
  }

  static byte[] bytes(int n) {
    byte[] b = new byte[n];
    ThreadLocalRandom.current().nextBytes(b);
    return b;
  }

  @Test
  void aBlobCountsOncePerNamespaceHoweverManyOfItsRepositoriesLinkIt() throws Exception {
    byte[] shared = bytes(1000);
    upload(APP, shared);
    Digest digest = upload(OTHER, shared);
    upload(APP, bytes(200));
    upload(RepositoryName.of("acmecorp/app"), bytes(5000));
    upload(RepositoryName.of("acme0/app"), bytes(7000));
    NamespaceUsage usage = quotas.usage("acme");
    assertThat(usage.usedBytes()).isEqualTo(1200);
    assertThat(usage.blobs()).isEqualTo(2);
    assertThat(usage.state()).isEqualTo(NamespaceUsage.State.UNLIMITED);
    assertThat(blobs.mount(RepositoryName.of("other/x"), APP, digest, ALICE)).isTrue();
    assertThat(quotas.usage("other").usedBytes()).as("counted again in another namespace").isEqualTo(1000);
    assertThat(quotas.usage("acme").usedBytes()).isEqualTo(1200);
  }

  @Test
  void aBlobPastTheLimitIsRefusedAndLeavesNothingBehind() throws Exception {
    quotas.set("acme", 1000, 80, ALICE);
    upload(APP, bytes(700));
    byte[] tooMuch = bytes(400);
    assertThatThrownBy(() -> upload(APP, tooMuch)).isInstanceOfSatisfying(RegistryException.class,
        e -> assertThat(e.error()).isEqualTo(RegistryError.DENIED)).hasMessageContaining("quota of namespace acme")
        .hasMessageContaining("needs 400 bytes and 300 of its 1000 bytes are free");
    assertThat(blobs.size(APP, Digest.sha256(tooMuch))).isEmpty();
    assertThat(quotas.usage("acme").usedBytes()).isEqualTo(700);
    assertThat(refusals).containsExactly("acme");
    try (var files = Files.walk(storage.resolve("data"))) {
      assertThat(files.filter(Files::isRegularFile).map(Path::getFileName).map(Path::toString))
          .as("neither the blob nor its staged bytes").noneMatch(name -> name.equals(Digest.sha256(tooMuch).hex()))
          .hasSize(1);
    }
    // A blob the namespace has already costs nothing, even at the limit.
    byte[] exact = bytes(300);
    upload(OTHER, exact);
    assertThat(quotas.usage("acme").state()).isEqualTo(NamespaceUsage.State.FULL);
    upload(APP, exact);
    assertThat(blobs.size(APP, Digest.sha256(exact))).hasValue(300);
    // Other namespaces are not limited.
    upload(RepositoryName.of("beta/app"), bytes(5000));
  }

  @Test
  void aMountIntoAFullNamespaceIsRefusedToo() throws Exception {
    Digest digest = upload(RepositoryName.of("beta/app"), bytes(600));
    quotas.set("acme", 500, 80, ALICE);
    assertThatThrownBy(() -> blobs.mount(APP, RepositoryName.of("beta/app"), digest, ALICE))
        .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.error()).isEqualTo(RegistryError.DENIED));
    assertThat(blobs.size(APP, digest)).isEmpty();
  }

  @Test
  void crossingTheWarningThresholdRecordsOneWarningWithThePusher() throws Exception {
    quotas.set("acme", 1000, 50, ALICE);
    upload(APP, bytes(400));
    upload(APP, bytes(200));
    upload(APP, bytes(100));
    var warnings = events.search(new EventQuery(0, 10, null, null, EventType.QUOTA_WARNING, null, null));
    assertThat(warnings).singleElement().satisfies(e -> {
      assertThat(e.repository()).isEqualTo(APP);
      assertThat(e.caller().actor()).isEqualTo("alice");
      assertThat(e.target()).isEqualTo("namespace acme");
      assertThat(e.detail()).containsEntry("usedBytes", "600").containsEntry("limitBytes", "1000");
    });
    assertThat(quotas.usage("acme").state()).isEqualTo(NamespaceUsage.State.WARNING);
  }

  @Test
  void concurrentPushesNeverTakeTheNamespacePastItsLimit() throws Exception {
    quotas.set("acme", 10_000, 80, ALICE);
    List<Callable<Boolean>> pushes = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      RepositoryName repository = RepositoryName.of("acme/app" + (i % 3));
      pushes.add(() -> {
        try {
          upload(repository, bytes(1000));
          return true;
        } catch (RegistryException e) {
          assertThat(e.error()).isEqualTo(RegistryError.DENIED);
          return false;
        }
      });
    }
    int accepted = 0;
    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      for (Future<Boolean> push : pool.invokeAll(pushes)) {
        accepted += push.get() ? 1 : 0;
      }
    }
    assertThat(accepted).isEqualTo(10);
    assertThat(quotas.usage("acme").usedBytes()).isEqualTo(10_000);
  }

  @Test
  void quotasAreSetListedAndRemovedWithTheirEvents() {
    assertThat(quotas.set("acme", 5000, 90, ALICE).quota().orElseThrow().warnAtBytes()).isEqualTo(4500);
    quotas.set("beta", 100, 80, ALICE);
    quotas.set("acme", 6000, 80, ALICE);
    assertThat(quotas.list(null, 10)).extracting(NamespaceUsage::namespace).containsExactly("acme", "beta");
    assertThat(quotas.list("acme", 10)).extracting(NamespaceUsage::namespace).containsExactly("beta");
    assertThat(quotas.usage("acme").quota().orElseThrow().limitBytes()).isEqualTo(6000);
    assertThat(quotas.remove("beta", ALICE)).isTrue();
    assertThat(quotas.remove("beta", ALICE)).isFalse();
    assertThat(quotas.usage("beta").quota()).isEmpty();
    assertThat(java.util.stream.Stream.of(EventType.QUOTA_SET, EventType.QUOTA_REMOVED)
        .flatMap(type -> events.search(new EventQuery(0, 10, null, null, type, null, null)).stream()))
        .extracting(e -> e.type().wireName() + " " + e.target())
        .containsExactlyInAnyOrder("quota.set namespace acme", "quota.set namespace beta", "quota.set namespace acme",
            "quota.removed namespace beta");
    assertThatThrownBy(() -> quotas.set("acme/app", 10, 80, ALICE)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a namespace");
    assertThatThrownBy(() -> quotas.set("acme", 0, 80, ALICE)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> quotas.set("acme", 10, 0, ALICE)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theWarningThresholdIsComputedWithoutOverflow() {
    Quota huge = new Quota("acme", Long.MAX_VALUE, 99, clock.instant(), "alice");
    assertThat(huge.warnAtBytes()).isPositive().isLessThan(Long.MAX_VALUE);
    assertThat(new Quota("acme", 1001, 50, clock.instant(), "alice").warnAtBytes()).isEqualTo(500);
  }
}
