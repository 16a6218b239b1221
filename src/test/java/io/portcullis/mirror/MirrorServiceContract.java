package io.portcullis.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.auth.TestClock;
import io.portcullis.auth.secret.SecretBox;
import io.portcullis.events.Event;
import io.portcullis.events.EventLog;
import io.portcullis.events.EventQuery;
import io.portcullis.events.EventType;
import io.portcullis.events.jdbc.JdbcEventStore;
import io.portcullis.jobs.Job;
import io.portcullis.jobs.JobQueue;
import io.portcullis.jobs.JobRunner;
import io.portcullis.jobs.Scheduler;
import io.portcullis.jobs.jdbc.JdbcJobStore;
import io.portcullis.jobs.jdbc.JdbcScheduleStore;
import io.portcullis.metadata.DatabaseContract;
import io.portcullis.mirror.jdbc.JdbcMirrorStore;
import io.portcullis.mirror.upstream.UpstreamClient;
import io.portcullis.repository.RepositoryService;
import io.portcullis.repository.Visibility;
import io.portcullis.repository.jdbc.JdbcRepositoryStore;
import io.portcullis.shared.Caller;
import io.portcullis.shared.Digest;
import io.portcullis.shared.NetworkPolicy;
import io.portcullis.shared.RepositoryName;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Mirrors, their schedules, credentials, runs and copied tags on each database the registry runs on. */
abstract class MirrorServiceContract extends DatabaseContract {
  static final Caller ALICE = new Caller("alice", "192.0.2.1", "req-1");
  static final RepositoryName HUB = RepositoryName.of("hub/alpine");
  static final String SECRET = "upstream-secret-value";

  final TestClock clock = new TestClock(Instant.parse("2030-01-01T00:00:00Z"));
  final SecretBox box = new SecretBox("a-master-key-of-at-least-32-bytes!!".getBytes(StandardCharsets.UTF_8));
  final JdbcMirrorStore store = new JdbcMirrorStore();
  EventLog events;
  RepositoryService repositories;
  Scheduler scheduler;
  JobQueue jobs;
  MirrorService mirrors;

  @BeforeEach
  void setUp() {
    events = new EventLog(database.db, new JdbcEventStore(new ObjectMapper()), clock, "test");
    repositories = new RepositoryService(database.db, new JdbcRepositoryStore(), events, clock);
    jobs = new JobQueue(database.db, new JdbcJobStore(), clock);
    scheduler = new Scheduler(database.db, new JdbcScheduleStore(), jobs, clock, () -> {}, Duration.ofSeconds(5));
    // Never started: what the mirror queues stays queued, for the assertions to see.
    mirrors = new MirrorService(database.db, store, repositories, scheduler,
        new JobRunner(jobs, 1, Duration.ofSeconds(1)), events, box,
        // Every name is public here, so no test depends on the machine's DNS.
        new NetworkPolicy("mirror.allowed-networks", List.of(),
            host -> new InetAddress[] {InetAddress.getByName(host.equals("inside.example") ? "10.0.0.7" : "93.184.215.14")}),
        clock);
    repositories.addDeletionParticipant(mirrors);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (events != null) {
      events.close();
    }
  }

  static MirrorChange hub(UpstreamClient.Credentials credentials) {
    return new MirrorChange("docker.io", "alpine", null, null, null, null, null, null, credentials != null, credentials);
  }

  List<Event> logged(EventType type) {
    return events.search(new EventQuery(0, 100, null, null, type, null, null));
  }

  @Test
  void aNewMirrorHasTheDefaultsAPrivateTargetItsScheduleAndItsFirstRunQueued() {
    Mirror created = mirrors.create(HUB, hub(null), ALICE);
    assertThat(created.interval()).isEqualTo(Duration.ofMinutes(15));
    assertThat(created.enabled()).isTrue();
    assertThat(created.tags()).isEqualTo(TagFilter.ALL);
    assertThat(created.tagTemplate()).isEqualTo(TagTemplate.SAME);
    assertThat(created.createdBy()).isEqualTo("alice");
    assertThat(created.upstream().toString()).isEqualTo("registry-1.docker.io/library/alpine");
    assertThat(mirrors.find(created.id())).hasValue(created);
    assertThat(repositories.find(HUB).orElseThrow().visibility()).isEqualTo(Visibility.PRIVATE);
    assertThat(scheduler.list()).singleElement().satisfies(s -> {
      assertThat(s.name()).isEqualTo("mirror:" + created.id());
      assertThat(s.kind()).isEqualTo(MirrorService.JOB_KIND);
      assertThat(s.interval()).isEqualTo(Duration.ofMinutes(15));
    });
    assertThat(jobs.list(MirrorService.JOB_KIND, Job.QUEUED, 0, 10)).singleElement()
        .satisfies(j -> assertThat(j.subject()).isEqualTo("mirror:" + created.id()));
    assertThat(logged(EventType.MIRROR_CREATED)).singleElement().satisfies(e -> {
      assertThat(e.repository()).isEqualTo(HUB);
      assertThat(e.detail()).containsEntry("upstream", "registry-1.docker.io/library/alpine");
    });
    assertThatThrownBy(() -> mirrors.create(HUB, hub(null), ALICE)).isInstanceOfSatisfying(MirrorException.class,
        e -> assertThat(e.kind()).isEqualTo(MirrorException.Kind.ALREADY_EXISTS));
    assertThatThrownBy(() -> mirrors.create(RepositoryName.of("hub/bad"),
        new MirrorChange("ftp://x", "a", null, null, null, null, null, null, false, null), ALICE))
        .isInstanceOfSatisfying(MirrorException.class, e -> assertThat(e.kind()).isEqualTo(MirrorException.Kind.INVALID))
        .hasMessageContaining("only http and https");
    assertThat(repositories.find(RepositoryName.of("hub/bad"))).as("nothing of a refused mirror").isEmpty();
  }

  @Test
  void upstreamsResolvingOutsideTheAllowlistAreRefused() {
    for (String[] refused : new String[][] {
        {"127.0.0.1:5000", "127.0.0.1, a loopback address"},
        {"http://169.254.169.254", "169.254.169.254, a metadata address"},
        {"https://[::1]:5000", "[::1], a loopback address"},
        {"inside.example", "inside.example resolves to 10.0.0.7, a private address"}}) {
      assertThatThrownBy(() -> mirrors.create(HUB, new MirrorChange(refused[0], "library/alpine", null, null, null, null,
          null, null, false, null), ALICE)).as(refused[0])
          .isInstanceOfSatisfying(MirrorException.class, e -> assertThat(e.kind()).isEqualTo(MirrorException.Kind.INVALID))
          .hasMessage("upstream registry refused: " + refused[1] + " outside mirror.allowed-networks");
    }
    assertThat(repositories.find(HUB)).as("nothing of a refused mirror").isEmpty();
    Mirror created = mirrors.create(HUB, hub(null), ALICE);
    assertThatThrownBy(() -> mirrors.update(created.id(), new MirrorChange("10.1.2.3", null, null, null, null, null, null,
        null, false, null), ALICE)).hasMessage("upstream registry refused: 10.1.2.3, a private address outside "
        + "mirror.allowed-networks");
    assertThat(mirrors.find(created.id()).orElseThrow().registry()).isEqualTo(created.registry());
  }

  @Test
  void everySettingRoundTripsAndTheScheduleFollowsIntervalAndEnabled() {
    TagFilter tags = new TagFilter(List.of("3.*", "edge"), List.of("*-rc*"), "3\\..*", ">=3.18 <4", 5);
    PlatformFilter platforms = new PlatformFilter(List.of("linux/amd64", "linux/arm64/v8"));
    Mirror created = mirrors.create(HUB, new MirrorChange("https://ghcr.io", "acme/tool", null, Duration.ofHours(2), true,
        tags, platforms, new TagTemplate("{tag}-hub"), false, null), ALICE);
    Mirror read = mirrors.find(created.id()).orElseThrow();
    assertThat(read.tags()).isEqualTo(tags);
    assertThat(read.platforms()).isEqualTo(platforms);
    assertThat(read.tagTemplate().template()).isEqualTo("{tag}-hub");
    assertThat(read.interval()).isEqualTo(Duration.ofHours(2));

    clock.advance(Duration.ofMinutes(1));
    Mirror paused = mirrors.update(created.id(), new MirrorChange(null, null, null, null, false, null, null, null, false,
        null), ALICE);
    assertThat(paused.enabled()).isFalse();
    assertThat(paused.tags()).as("left out, kept").isEqualTo(tags);
    assertThat(paused.updatedAt()).isEqualTo(clock.instant());
    assertThat(scheduler.list()).as("a disabled mirror has no schedule").isEmpty();
    mirrors.update(created.id(), new MirrorChange(null, null, null, Duration.ofMinutes(30), true, null, null, null, false,
        null), ALICE);
    assertThat(scheduler.list()).singleElement()
        .satisfies(s -> assertThat(s.interval()).isEqualTo(Duration.ofMinutes(30)));
    assertThat(logged(EventType.MIRROR_UPDATED)).hasSize(2);
    assertThat(mirrors.list(0, 10)).containsExactly(mirrors.find(created.id()).orElseThrow());
    assertThat(mirrors.list(created.id(), 10)).isEmpty();
  }

  @Test
  void credentialsAreSealedOpenedReplacedAndRemovedAndNeverInAnEvent() {
    Mirror created = mirrors.create(HUB, hub(new UpstreamClient.Credentials("bob", SECRET)), ALICE);
    assertThat(created.username()).isEqualTo("bob");
    assertThat(created.hasPassword()).isTrue();
    byte[] sealed = database.db.readOnly(tx -> store.sealedPassword(tx, created.id())).orElseThrow();
    assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain(SECRET);
    assertThat(mirrors.credentials(created)).hasValue(new UpstreamClient.Credentials("bob", SECRET));

    Mirror replaced = mirrors.update(created.id(), new MirrorChange(null, null, null, null, null, null, null, null, true,
        new UpstreamClient.Credentials("carol", "another-secret")), ALICE);
    assertThat(mirrors.credentials(replaced)).hasValue(new UpstreamClient.Credentials("carol", "another-secret"));
    Mirror anonymous = mirrors.update(created.id(), new MirrorChange(null, null, null, null, null, null, null, null, true,
        null), ALICE);
    assertThat(anonymous.username()).isNull();
    assertThat(anonymous.hasPassword()).isFalse();
    assertThat(mirrors.credentials(anonymous)).isEmpty();
    Optional<byte[]> none = database.db.readOnly(tx -> store.sealedPassword(tx, created.id()));
    assertThat(none).isEmpty();
    assertThat(logged(EventType.MIRROR_UPDATED)).extracting(e -> e.detail().get("credentials"))
        .as("newest first").containsExactly("removed", "replaced");
    assertThat(events.search(new EventQuery(0, 100, null, null, null, null, null)).toString())
        .doesNotContain(SECRET).doesNotContain("another-secret");
    assertThatThrownBy(() -> new MirrorChange(null, null, null, null, null, null, null, null, true,
        new UpstreamClient.Credentials("dave", ""))).hasMessageContaining("both a username and a password");
  }

  @Test
  void runsAreKeptNewestFirstAndCopiedTagsAreUpserted() {
    Mirror m = mirrors.create(HUB, hub(null), ALICE);
    long first = database.db.inTransaction(tx -> store.insertRun(tx, m.id(), 7, clock.instant()));
    long second = database.db.inTransaction(tx -> store.insertRun(tx, m.id(), 8, clock.instant()));
    MirrorRun.Counts counts = new MirrorRun.Counts(10, 4, 1, 1, 2, 0, 1, 3, 12345, 17);
    MirrorRun waiting = new MirrorRun(second, m.id(), 8, MirrorRun.WAITING, clock.instant(), null,
        clock.instant().plusSeconds(60), counts, new MirrorRun.Budget(100, 0), "waiting for the rate limit");
    database.db.inTransaction(tx -> {
      store.updateRun(tx, waiting);
      return null;
    });
    assertThat(mirrors.run(m.id(), second)).hasValue(waiting);
    assertThat(mirrors.runs(m.id(), 0, 10)).extracting(MirrorRun::id).containsExactly(second, first);
    assertThat(mirrors.runs(m.id(), second, 10)).extracting(MirrorRun::id).containsExactly(first);
    assertThat(mirrors.run(m.id() + 1, second)).as("another mirror's run").isEmpty();
    int abandoned = database.db.inTransaction(tx -> store.abandonRuns(tx, m.id(), clock.instant(), "interrupted"));
    assertThat(abandoned).isEqualTo(2);
    assertThat(mirrors.run(m.id(), second).orElseThrow()).satisfies(r -> {
      assertThat(r.state()).isEqualTo(MirrorRun.FAILED);
      assertThat(r.waitingUntil()).isNull();
      assertThat(r.finishedAt()).isEqualTo(clock.instant());
      assertThat(r.counts()).as("what it had done stays").isEqualTo(counts);
    });

    Digest a = Digest.sha256("a".getBytes(StandardCharsets.UTF_8));
    Digest b = Digest.sha256("b".getBytes(StandardCharsets.UTF_8));
    database.db.inTransaction(tx -> {
      store.recordCopied(tx, m.id(), "", "3.19", new MirrorStore.Copied(a, a), clock.instant());
      store.recordCopied(tx, m.id(), "", "3.19", new MirrorStore.Copied(b, a), clock.instant());
      return null;
    });
    Map<String, MirrorStore.Copied> copied = database.db.readOnly(tx -> store.copied(tx, m.id(), ""));
    assertThat(copied).isEqualTo(Map.of("3.19", new MirrorStore.Copied(b, a)));
  }

  @Test
  void deletingTheMirrorOrItsTargetTakesScheduleRunsAndCopiedTags() {
    Mirror m = mirrors.create(HUB, hub(null), ALICE);
    database.db.inTransaction(tx -> {
      store.insertRun(tx, m.id(), 1, clock.instant());
      store.recordCopied(tx, m.id(), "", "x", new MirrorStore.Copied(Digest.sha256(new byte[0]),
          Digest.sha256(new byte[0])), clock.instant());
      return null;
    });
    repositories.delete(HUB, ALICE);
    assertThat(mirrors.find(m.id())).isEmpty();
    assertThat(scheduler.list()).isEmpty();
    Map<String, MirrorStore.Copied> copied = database.db.readOnly(tx -> store.copied(tx, m.id(), ""));
    assertThat(copied).isEmpty();

    Mirror again = mirrors.create(HUB, hub(null), ALICE);
    mirrors.delete(again.id(), ALICE);
    assertThat(mirrors.find(again.id())).isEmpty();
    assertThat(scheduler.list()).isEmpty();
    assertThat(repositories.find(HUB)).as("the copied content stays").isPresent();
    assertThat(logged(EventType.MIRROR_DELETED)).hasSize(1);
    assertThatThrownBy(() -> mirrors.delete(again.id(), ALICE)).isInstanceOfSatisfying(MirrorException.class,
        e -> assertThat(e.kind()).isEqualTo(MirrorException.Kind.NOT_FOUND));
  }

  List<Mirror> withTarget(RepositoryName target) {
    return database.db.readOnly(tx -> store.withTarget(tx, target));
  }

  Map<String, MirrorStore.Copied> copied(long mirror, String repository) {
    return database.db.readOnly(tx -> store.copied(tx, mirror, repository));
  }

  Optional<String> pushedBlob(String registry, Digest digest, String except) {
    return database.db.readOnly(tx -> store.pushedBlob(tx, registry, digest, except));
  }

  static MirrorChange remote(String registry, String repository, TagFilter tags) {
    return new MirrorChange(registry, repository, null, null, null, tags, null, null, false, null);
  }

  @Test
  void pushMirrorsLiveBesideThePullMirrorOfTheirRepositoryOnePerRemoteRepository() {
    Mirror pull = mirrors.create(HUB, hub(null), ALICE);
    Mirror push = mirrors.create(Mirror.Direction.PUSH, false, HUB, remote("registry.example.com", "dr/alpine", null),
        ALICE);
    Mirror other = mirrors.create(Mirror.Direction.PUSH, false, HUB, remote("registry.example.com", "dr/alpine2",
        null), ALICE);
    assertThat(push.direction()).isEqualTo(Mirror.Direction.PUSH);
    assertThat(mirrors.find(push.id())).hasValue(push);
    assertThat(withTarget(HUB)).extracting(Mirror::id)
        .containsExactly(pull.id(), push.id(), other.id());
    assertThatThrownBy(() -> mirrors.create(Mirror.Direction.PUSH, false, HUB, remote("registry.example.com",
        "dr/alpine", null), ALICE)).isInstanceOfSatisfying(MirrorException.class,
            e -> assertThat(e.kind()).isEqualTo(MirrorException.Kind.ALREADY_EXISTS))
        .hasMessage("repository hub/alpine already has a push mirror to registry.example.com/dr/alpine");
    assertThat(logged(EventType.MIRROR_CREATED)).first().satisfies(e -> {
      assertThat(e.detail()).containsEntry("direction", "push").containsEntry("remote", "registry.example.com/dr/alpine2");
    });
    // Sealed per direction: the push mirror's password opens as its own.
    Mirror sealed = mirrors.update(push.id(), new MirrorChange(null, null, null, null, null, null, null, null, true,
        new UpstreamClient.Credentials("robot", SECRET)), ALICE);
    assertThat(mirrors.credentials(sealed)).hasValue(new UpstreamClient.Credentials("robot", SECRET));

    repositories.delete(HUB, ALICE);
    assertThat(mirrors.list(0, 10)).as("the repository's pull and push mirrors go with it").isEmpty();
  }

  @Test
  void settingsAMirrorOfItsKindDoesNotTakeAreRefused() {
    assertThatThrownBy(() -> mirrors.create(Mirror.Direction.PUSH, false, HUB, new MirrorChange("registry.example.com",
        "dr/alpine", null, null, null, null, new PlatformFilter(List.of("linux/amd64")), null, false, null), ALICE))
        .hasMessageContaining("platforms apply to pull mirrors");
    assertThatThrownBy(() -> mirrors.create(Mirror.Direction.PUSH, true, RepositoryName.of("hub"),
        remote("registry.example.com", "dr", null), ALICE)).hasMessageContaining("namespace mirrors are pull mirrors");
    assertThatThrownBy(() -> mirrors.create(Mirror.Direction.PULL, true, RepositoryName.of("hub"),
        remote("docker.io", "bitnami/x", null), ALICE)).hasMessageContaining("Docker Hub serves no repository catalog");
    assertThatThrownBy(() -> mirrors.create(HUB, new MirrorChange("ghcr.io", "acme/tool", "redis*", null, null, null,
        null, null, false, null), ALICE)).hasMessage("a repository filter applies to namespace mirrors only");
    assertThat(mirrors.list(0, 10)).isEmpty();
    assertThat(repositories.find(HUB)).isEmpty();
  }

  @Test
  void aPushQueuesARunOfEachEnabledPushMirrorWhoseFilterSelectsTheTag() throws Exception {
    // Created disabled, so no first run is queued; enabling schedules without queuing.
    Mirror releases = mirrors.create(Mirror.Direction.PUSH, false, HUB, new MirrorChange("registry.example.com",
        "dr/alpine", null, null, false, new TagFilter(List.of("3.*"), List.of(), null, null, 0), null, null, false,
        null), ALICE);
    mirrors.update(releases.id(), new MirrorChange(null, null, null, null, true, null, null, null, false, null), ALICE);
    Mirror disabled = mirrors.create(Mirror.Direction.PUSH, false, HUB, new MirrorChange("registry.example.com",
        "dr/off", null, null, false, null, null, null, false, null), ALICE);
    assertThat(jobs.list(MirrorService.JOB_KIND, Job.QUEUED, 0, 10)).isEmpty();
    Caller pusher = new Caller("ci", "192.0.2.2", "req-2");
    mirrors.pushTrigger().handle(List.of(Event.of(EventType.TAG_PUSHED, clock.instant(), pusher, HUB,
        Digest.sha256(new byte[0]), new io.portcullis.shared.Tag("edge"), null)));
    assertThat(jobs.list(MirrorService.JOB_KIND, Job.QUEUED, 0, 10)).as("edge is not 3.*").isEmpty();
    mirrors.pushTrigger().handle(List.of(Event.of(EventType.TAG_PUSHED, clock.instant(), pusher, HUB,
        Digest.sha256(new byte[0]), new io.portcullis.shared.Tag("3.20"), null)));
    mirrors.pushTrigger().handle(List.of(Event.of(EventType.TAG_PUSHED, clock.instant(), pusher, HUB,
        Digest.sha256(new byte[0]), new io.portcullis.shared.Tag("3.21"), null)));
    assertThat(jobs.list(MirrorService.JOB_KIND, Job.QUEUED, 0, 10)).as("one run, joined")
        .singleElement().satisfies(j -> assertThat(j.subject()).isEqualTo(releases.scheduleName()));
    assertThat(disabled.enabled()).isFalse();
    assertThat(mirrors.pushTrigger().wants(EventType.TAG_PUSHED)).isTrue();
    assertThat(mirrors.pushTrigger().wants(EventType.MANIFEST_PUSHED)).isFalse();
  }

  @Test
  void aNamespaceMirrorCreatesNoRepositoryKeepsTagsPerRepositoryAndOutlivesThem() {
    RepositoryName ns = RepositoryName.of("hub");
    Mirror m = mirrors.create(Mirror.Direction.PULL, true, ns, new MirrorChange("https://registry.example.com",
        "bitnami", "redis*", null, null, null, null, null, false, null), ALICE);
    assertThat(m.namespace()).isTrue();
    assertThat(m.repositoryFilter()).isEqualTo("redis*");
    assertThat(mirrors.find(m.id())).hasValue(m);
    assertThat(repositories.find(ns)).as("a namespace is no repository").isEmpty();
    assertThat(mirrors.update(m.id(), new MirrorChange(null, null, "", null, null, null, null, null, false, null),
        ALICE).repositoryFilter()).as("\"\" removes the filter").isNull();
    Digest a = Digest.sha256("a".getBytes(StandardCharsets.UTF_8));
    Digest b = Digest.sha256("b".getBytes(StandardCharsets.UTF_8));
    database.db.inTransaction(tx -> {
      store.recordCopied(tx, m.id(), "bitnami/redis", "7", new MirrorStore.Copied(a, a), clock.instant());
      store.recordCopied(tx, m.id(), "bitnami/nginx", "7", new MirrorStore.Copied(b, b), clock.instant());
      return null;
    });
    assertThat(copied(m.id(), "bitnami/redis"))
        .isEqualTo(Map.of("7", new MirrorStore.Copied(a, a)));
    assertThat(copied(m.id(), "bitnami/nginx"))
        .isEqualTo(Map.of("7", new MirrorStore.Copied(b, b)));
    database.db.inTransaction(tx -> {
      repositories.ensure(tx, RepositoryName.of("hub/redis"), ALICE);
      return null;
    });
    repositories.delete(RepositoryName.of("hub/redis"), ALICE);
    assertThat(mirrors.find(m.id())).as("the namespace mirror stays").isPresent();
  }

  @Test
  void pushedBlobsAreFoundInAnotherRepositoryOfTheSameRegistryOnly() {
    Digest layer = Digest.sha256("layer".getBytes(StandardCharsets.UTF_8));
    database.db.inTransaction(tx -> {
      store.recordPushedBlob(tx, "https://dr.example.com", "dr/alpine", layer, clock.instant());
      store.recordPushedBlob(tx, "https://dr.example.com", "dr/alpine", layer, clock.instant());
      return null;
    });
    assertThat(pushedBlob("https://dr.example.com", layer, "dr/app"))
        .hasValue("dr/alpine");
    assertThat(pushedBlob("https://dr.example.com", layer, "dr/alpine"))
        .as("not from itself").isEmpty();
    assertThat(pushedBlob("https://other.example.com", layer, "dr/app"))
        .isEmpty();
  }
}
