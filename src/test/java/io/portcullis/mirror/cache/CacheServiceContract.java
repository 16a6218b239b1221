package io.portcullis.mirror.cache;

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
import io.portcullis.metadata.DatabaseContract;
import io.portcullis.mirror.MirrorException;
import io.portcullis.mirror.cache.jdbc.JdbcCacheStore;
import io.portcullis.mirror.upstream.UpstreamClient;
import io.portcullis.repository.RepositoryService;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Caches, their sealed credentials, cached tags and pending manifests on each database the registry runs on. */
abstract class CacheServiceContract extends DatabaseContract {
  static final Caller ALICE = new Caller("alice", "192.0.2.1", "req-1");
  static final String SECRET = "upstream-secret-value";
  static final RepositoryName ALPINE = RepositoryName.of("dockerhub/library/alpine");
  static final Digest DIGEST = Digest.parse("sha256:" + "a".repeat(64));

  final TestClock clock = new TestClock(Instant.parse("2030-01-01T00:00:00Z"));
  final SecretBox box = new SecretBox("a-master-key-of-at-least-32-bytes!!".getBytes(StandardCharsets.UTF_8));
  final JdbcCacheStore store = new JdbcCacheStore();
  EventLog events;
  RepositoryService repositories;
  CacheService caches;

  @BeforeEach
  void setUp() {
    events = new EventLog(database.db, new JdbcEventStore(new ObjectMapper()), clock, "test");
    repositories = new RepositoryService(database.db, new JdbcRepositoryStore(), events, clock);
    caches = new CacheService(database.db, store, events, box,
        // Every name is public here but one, so no test depends on the machine's DNS.
        new NetworkPolicy("mirror.allowed-networks", List.of(),
            host -> new InetAddress[] {InetAddress.getByName(host.equals("inside.example") ? "10.0.0.7" : "93.184.215.14")}),
        clock);
    repositories.addDeletionParticipant(caches);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (events != null) {
      events.close();
    }
  }

  static CacheChange.Spec hub(UpstreamClient.Credentials credentials) {
    return new CacheChange.Spec("docker.io", null, credentials);
  }

  List<String> tagsAt() {
    return database.db.readOnly(tx -> store.tagsAt(tx, ALPINE, DIGEST));
  }

  List<CacheStore.Pending> pending() {
    return database.db.readOnly(tx -> store.pendingIn(tx, ALPINE));
  }

  java.util.Optional<CacheStore.CachedTag> tag(String tag) {
    return database.db.readOnly(tx -> store.tag(tx, ALPINE, tag));
  }

  List<Event> events(EventType type) {
    return events.search(new EventQuery(0, 100, null, null, type, null, null));
  }

  @Test
  void aCacheKeepsItsUpstreamsInOrderWithTheirPasswordsSealed() {
    Cache created = caches.create("dockerhub", new CacheChange(null, List.of(
        hub(new UpstreamClient.Credentials("me", SECRET)), new CacheChange.Spec("https://mirror.gcr.io", "", null))),
        ALICE);
    assertThat(created.freshness()).isEqualTo(Cache.DEFAULT_FRESHNESS);
    assertThat(created.upstreams()).containsExactly(new CacheUpstream("docker.io", null, "me", true),
        new CacheUpstream("https://mirror.gcr.io", null, null, false));
    assertThat(caches.credentials(created, 0)).contains(new UpstreamClient.Credentials("me", SECRET));
    assertThat(caches.credentials(created, 1)).isEmpty();
    byte[] sealed = database.db.readOnly(tx -> store.sealedPassword(tx, created.id(), 0)).orElseThrow();
    assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain(SECRET);
    assertThat(caches.covering(ALPINE)).contains(created);
    assertThat(caches.covering(RepositoryName.of("hub/alpine"))).isEmpty();
    assertThat(events(EventType.CACHE_CREATED)).singleElement().satisfies(e -> {
      assertThat(e.detail()).containsEntry("namespace", "dockerhub").containsEntry("upstreams",
          "docker.io, https://mirror.gcr.io");
      assertThat(e.toString()).doesNotContain(SECRET);
    });
  }

  @Test
  void badSettingsAreRefusedAndNothingIsStored() {
    assertThatThrownBy(() -> caches.create("docker/hub", new CacheChange(null, List.of(hub(null))), ALICE))
        .isInstanceOf(MirrorException.class).hasMessageContaining("not a namespace");
    assertThatThrownBy(() -> caches.create("dockerhub", new CacheChange(null, List.of()), ALICE))
        .hasMessageContaining("at least one upstream");
    assertThatThrownBy(() -> caches.create("dockerhub", new CacheChange(Duration.ofSeconds(-1), List.of(hub(null))),
        ALICE)).hasMessageContaining("freshness");
    assertThatThrownBy(() -> caches.create("dockerhub", new CacheChange(null,
        List.of(new CacheChange.Spec("inside.example", null, null))), ALICE))
        .hasMessageContaining("refused").hasMessageContaining("10.0.0.7");
    assertThatThrownBy(() -> caches.create("dockerhub", new CacheChange(null,
        List.of(hub(new UpstreamClient.Credentials(null, SECRET)))), ALICE)).hasMessageContaining("needs a username");
    assertThat(caches.list()).isEmpty();
    caches.create("dockerhub", new CacheChange(null, List.of(hub(null))), ALICE);
    assertThatThrownBy(() -> caches.create("dockerhub", new CacheChange(null, List.of(hub(null))), ALICE))
        .isInstanceOfSatisfying(MirrorException.class,
            e -> assertThat(e.kind()).isEqualTo(MirrorException.Kind.ALREADY_EXISTS));
  }

  @Test
  void anUpdateReplacesTheUpstreamsOrKeepsThem() {
    Cache created = caches.create("dockerhub", new CacheChange(null, List.of(hub(
        new UpstreamClient.Credentials("me", SECRET)))), ALICE);
    clock.advance(Duration.ofSeconds(1));
    Cache fresher = caches.update(created.id(), new CacheChange(Duration.ofMinutes(1), null), ALICE);
    assertThat(fresher.freshness()).isEqualTo(Duration.ofMinutes(1));
    assertThat(caches.credentials(fresher, 0)).as("left out: kept").isPresent();
    Cache replaced = caches.update(created.id(), new CacheChange(null, List.of(
        new CacheChange.Spec("ghcr.io", "myorg", null))), ALICE);
    assertThat(replaced.upstreams()).containsExactly(new CacheUpstream("ghcr.io", "myorg", null, false));
    assertThat(caches.credentials(replaced, 0)).isEmpty();
    assertThat(caches.covering(ALPINE).orElseThrow().upstreams()).as("seen at once on this replica")
        .isEqualTo(replaced.upstreams());
    assertThat(events(EventType.CACHE_UPDATED)).hasSize(2);
  }

  @Test
  void tagsAndPendingManifestsGoWithTheirRepositoryAndTheCache() {
    Cache cache = caches.create("dockerhub", new CacheChange(null, List.of(hub(null))), ALICE);
    Instant at = clock.instant();
    byte[] payload = "{}".getBytes(StandardCharsets.UTF_8);
    database.db.inTransaction(tx -> {
      store.putTag(tx, cache.id(), ALPINE, "3.19", DIGEST, at);
      store.putTag(tx, cache.id(), ALPINE, "latest", DIGEST, at);
      store.putPending(tx, cache.id(), new CacheStore.Pending(ALPINE, DIGEST, "application/json", payload, 0, at));
      // The same manifest fetched twice is kept once.
      store.putPending(tx, cache.id(), new CacheStore.Pending(ALPINE, DIGEST, "application/json", payload, 1, at));
      return null;
    });
    assertThat(tagsAt()).containsExactly("3.19", "latest");
    assertThat(pending()).singleElement()
        .satisfies(p -> assertThat(p.upstream()).isZero());
    clock.advance(Duration.ofMinutes(1));
    database.db.inTransaction(tx -> {
      store.putTag(tx, cache.id(), ALPINE, "3.19", DIGEST, clock.instant());
      return null;
    });
    assertThat(tag("3.19").orElseThrow().checkedAt())
        .isEqualTo(clock.instant());
    database.db.inTransaction(tx -> {
      repositories.ensure(tx, ALPINE, ALICE);
      return null;
    });
    repositories.delete(ALPINE, ALICE);
    assertThat(tag("3.19")).isEmpty();
    assertThat(pending()).isEmpty();
    database.db.inTransaction(tx -> {
      store.putTag(tx, cache.id(), ALPINE, "3.19", DIGEST, at);
      return null;
    });
    caches.delete(cache.id(), ALICE);
    assertThat(tag("3.19")).isEmpty();
    assertThat(caches.covering(ALPINE)).isEmpty();
    assertThat(events(EventType.CACHE_DELETED)).hasSize(1);
  }
}
