package io.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.auth.Action;
import io.portcullis.auth.Principal;
import io.portcullis.auth.TestClock;
import io.portcullis.auth.login.PasswordHasher;
import io.portcullis.events.EventLog;
import io.portcullis.events.EventQuery;
import io.portcullis.events.EventType;
import io.portcullis.events.jdbc.JdbcEventStore;
import io.portcullis.identity.Identity;
import io.portcullis.identity.IdentityAccessController;
import io.portcullis.identity.RepositoryLevel;
import io.portcullis.identity.jdbc.JdbcIdentityStores;
import io.portcullis.metadata.TestDatabase;
import io.portcullis.registry.BlobService;
import io.portcullis.registry.ManifestService.ByDigest;
import io.portcullis.registry.ManifestService.ByTag;
import io.portcullis.registry.ManifestService;
import io.portcullis.registry.UploadService;
import io.portcullis.registry.jdbc.JdbcBlobLinkStore;
import io.portcullis.registry.jdbc.JdbcManifestStore;
import io.portcullis.repository.RepositoryService;
import io.portcullis.repository.SettingsChange;
import io.portcullis.repository.jdbc.JdbcRepositoryStore;
import io.portcullis.scan.ScanService;
import io.portcullis.scan.VulnerabilityDatabase;
import io.portcullis.scan.jdbc.JdbcAdvisoryStore;
import io.portcullis.scan.jdbc.JdbcRegistryContent;
import io.portcullis.scan.jdbc.JdbcScanStore;
import io.portcullis.scan.layer.LayerLimits;
import io.portcullis.shared.ByteSource;
import io.portcullis.shared.Caller;
import io.portcullis.shared.Digest;
import io.portcullis.shared.MediaTypes;
import io.portcullis.shared.RegistryError;
import io.portcullis.shared.RegistryException;
import io.portcullis.shared.RepositoryName;
import io.portcullis.shared.Tag;
import io.portcullis.storage.fs.FsBlobStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository domain wired to the registry, identity and scanning as the composition root wires them:
 * deletion takes every domain's part in one transaction, and immutable tags hold against every way the
 * registry could move or remove a tag.
 */
abstract class RepositoryLifecycleContract {
  static final Caller ALICE = new Caller("alice", "192.0.2.1", "req-1");
  static final RepositoryName APP = RepositoryName.of("acme/app");
  static final RepositoryName OTHER = RepositoryName.of("acme/other");
  static final Principal ADMIN = new Principal("admin", Principal.Kind.ADMIN, Set.of(Principal.Flag.BOOTSTRAP));

  @TempDir
  Path dir;
  final TestClock clock = new TestClock(Instant.parse("2030-01-01T00:00:00Z"));
  TestDatabase database;
  EventLog events;
  RepositoryService repositories;
  BlobService blobs;
  UploadService uploads;
  ManifestService manifests;
  Identity identity;
  /** The last participant, failing while this is set. */
  final AtomicBoolean failDeletion = new AtomicBoolean();

  abstract TestDatabase open(Path dir) throws Exception;

  @BeforeEach
  void setUp() throws Exception {
    database = open(dir);
    ObjectMapper json = new ObjectMapper();
    events = new EventLog(database.db, new JdbcEventStore(json), clock, "test");
    repositories = new RepositoryService(database.db, new JdbcRepositoryStore(), events, clock);
    FsBlobStore blobStore = new FsBlobStore(dir.resolve("data"));
    JdbcBlobLinkStore links = new JdbcBlobLinkStore();
    blobs = new BlobService(database.db, links, blobStore, repositories, events, clock);
    uploads = new UploadService(blobStore, blobs, clock, 1 << 20, new byte[32]);
    manifests = new ManifestService(database.db, new JdbcManifestStore(), blobs, repositories, events, clock);
    identity = new Identity(database.db, JdbcIdentityStores.create(),
        new PasswordHasher(new PasswordHasher.Parameters(64, 1, 1), 2), clock, Set.of("admin"),
        IdentityAccessController.DEFAULT_CACHE_TTL, events, () -> Caller.SYSTEM, repositories);
    ScanService scans = new ScanService(database.db, new JdbcScanStore(json), new JdbcRegistryContent(), blobStore,
        new VulnerabilityDatabase(database.db, new JdbcAdvisoryStore(json), clock), events, json, clock,
        LayerLimits.defaults(), (outcome, took) -> {});
    Portcullis.addDeletionParticipants(repositories, identity, scans, manifests, blobs);
    repositories.addDeletionParticipant((tx, repository) -> {
      if (failDeletion.get()) {
        throw new IllegalStateException("the last participant failed");
      }
    });
  }

  @AfterEach
  void tearDown() throws Exception {
    if (events != null) {
      events.close();
    }
    if (database != null) {
      database.close();
    }
  }

  Digest upload(RepositoryName repository, byte[] content) throws Exception {
    Digest digest = Digest.sha256(content);
    UploadService.Status session = uploads.start(repository);
    uploads.complete(repository, session.id(), session.state(), digest, null, content.length, ByteSource.of(content),
        ALICE);
    return digest;
  }

  /** Pushes a one-layer image under {@code tag}; returns its manifest digest. */
  Digest push(RepositoryName repository, String tag, String layer) throws Exception {
    byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
    byte[] layerBytes = layer.getBytes(StandardCharsets.UTF_8);
    Digest configDigest = upload(repository, config);
    Digest layerDigest = upload(repository, layerBytes);
    byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\","
        + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest
        + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
        + "\"digest\":\"" + layerDigest + "\",\"size\":" + layerBytes.length + "}]}").getBytes(StandardCharsets.UTF_8);
    return manifests.put(repository, new ByTag(new Tag(tag)), MediaTypes.OCI_MANIFEST, manifest, ALICE).digest();
  }

  void scanResult(Digest digest) {
    database.db.inTransaction(tx -> tx.handle().createUpdate("INSERT INTO image_scans(digest, status, "
        + "vulndb_version, critical, major, minor, scanned_at, matched_at) VALUES (?, 'succeeded', 0, 0, 0, 0, 0, 0)").bind(0, digest.toString()).execute());
  }

  Set<String> scanned() {
    return database.db.readOnly(tx -> Set.copyOf(tx.handle().createQuery("SELECT digest FROM image_scans")
        .mapTo(String.class).list()));
  }

  long deletions() {
    return events.search(new EventQuery(0, 10, APP, null, EventType.REPOSITORY_DELETED, null, null)).size();
  }

  @Test
  void deletionTakesEveryDomainsPartInOneTransaction() throws Exception {
    Digest shared = push(APP, "v1", "shared layer");
    Digest own = push(APP, "v2", "own layer");
    push(OTHER, "v1", "shared layer");
    scanResult(shared);
    scanResult(own);
    identity.organizations().create(ADMIN, "acme", null);
    identity.teams().create(ADMIN, "acme", "devs", null);
    identity.repositories().setTeamPermission(ADMIN, "acme", "devs", APP.value(), RepositoryLevel.READ);
    identity.users().create(ADMIN, "bob", "correct horse battery", null, null, false);
    identity.repositories().grantUser(ADMIN, APP.value(), "bob", RepositoryLevel.READ);
    identity.robots().create(ADMIN, "acme", "ci", null, null);
    identity.robots().setGrant(ADMIN, "acme+ci", APP.value(), Set.of(Action.PULL));
    Principal bob = new Principal("bob", Principal.Kind.USER, Set.of());
    // Cached on this replica before the deletion: the deletion must drop these too.
    assertThat(manifests.get(APP, new ByTag(new Tag("v1")), false, ALICE).digest()).isEqualTo(shared);
    assertThat(blobs.size(APP, Digest.sha256("own layer".getBytes(StandardCharsets.UTF_8)))).isPresent();
    assertThat(identity.accessController().canPull(bob, APP.value())).isTrue();

    failDeletion.set(true);
    assertThatThrownBy(() -> identity.repositories().delete(ADMIN, APP.value()))
        .hasMessage("the last participant failed");
    assertThat(repositories.find(APP)).as("the repository").isPresent();
    assertThat(manifests.tags(APP, null, 10)).as("its tags").containsExactly("v1", "v2");
    assertThat(manifests.get(APP, new ByDigest(own), false, ALICE).digest()).as("its manifests").isEqualTo(own);
    int links = database.db.readOnly(tx -> tx.handle()
        .createQuery("SELECT COUNT(*) FROM repository_blobs WHERE repository = ?").bind(0, APP.value()).mapTo(Integer.class).one());
    assertThat(links).as("its blob links").isEqualTo(3);
    assertThat(identity.repositories().teamPermissionsOn(ADMIN, APP.value())).as("team permissions").hasSize(1);
    assertThat(identity.repositories().userGrants(ADMIN, APP.value())).as("user grants").hasSize(1);
    assertThat(identity.robots().grants(ADMIN, "acme+ci")).as("robot grants").hasSize(1);
    assertThat(scanned()).as("scan results").containsExactlyInAnyOrder(shared.toString(), own.toString());
    assertThat(deletions()).as("no repository.deleted").isZero();
    assertThat(identity.accessController().canPull(bob, APP.value())).isTrue();

    failDeletion.set(false);
    identity.repositories().delete(ADMIN, APP.value());
    assertThat(repositories.find(APP)).isEmpty();
    assertThat(deletions()).isEqualTo(1);
    assertThatThrownBy(() -> manifests.get(APP, new ByTag(new Tag("v1")), false, ALICE))
        .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.error()).isEqualTo(RegistryError.MANIFEST_UNKNOWN));
    assertThat(blobs.size(APP, Digest.sha256("own layer".getBytes(StandardCharsets.UTF_8)))).isEmpty();
    assertThat(scanned()).as("results another repository still needs stay").containsExactly(shared.toString());
    assertThat(identity.accessController().canPull(bob, APP.value())).isFalse();
    assertThat(identity.robots().grants(ADMIN, "acme+ci")).isEmpty();
    assertThat(manifests.get(OTHER, new ByTag(new Tag("v1")), false, ALICE).digest()).isEqualTo(shared);

    push(APP, "v1", "shared layer");
    assertThat(repositories.find(APP).orElseThrow().visibility().wireName()).isEqualTo("private");
    assertThat(identity.repositories().teamPermissionsOn(ADMIN, APP.value())).as("a new repository starts unshared")
        .isEmpty();
    assertThat(identity.repositories().userGrants(ADMIN, APP.value())).isEmpty();
  }

  @Test
  void immutableTagsKeepTheirManifests() throws Exception {
    Digest first = push(APP, "v1", "first");
    repositories.update(APP, SettingsChange.NONE.withImmutableTags(true), ALICE);

    assertImmutable(() -> push(APP, "v1", "second"));
    assertThat(manifests.get(APP, new ByTag(new Tag("v1")), false, ALICE).digest()).isEqualTo(first);
    Digest again = push(APP, "v1", "first");
    assertThat(again).as("pushing the same manifest again changes nothing").isEqualTo(first);
    Digest second = push(APP, "v2", "second");
    assertThat(manifests.tags(APP, null, 10)).as("new tags are welcome").containsExactly("v1", "v2");

    assertImmutable(() -> manifests.delete(APP, new ByTag(new Tag("v1")), ALICE));
    assertImmutable(() -> manifests.delete(APP, new ByDigest(second), ALICE));
    assertThat(manifests.tags(APP, null, 10)).containsExactly("v1", "v2");
    byte[] untagged = manifests.get(APP, new ByDigest(second), false, ALICE).payload();
    Digest loose = manifests.put(APP, new ByDigest(Digest.sha256(untagged)), MediaTypes.OCI_MANIFEST, untagged, ALICE)
        .digest();
    assertThat(loose).isEqualTo(second);

    repositories.update(APP, SettingsChange.NONE.withImmutableTags(false), ALICE);
    push(APP, "v1", "second");
    manifests.delete(APP, new ByTag(new Tag("v2")), ALICE);
    manifests.delete(APP, new ByDigest(first), ALICE);
    assertThat(manifests.tags(APP, null, 10)).containsExactly("v1");
    assertThat(manifests.get(APP, new ByTag(new Tag("v1")), false, ALICE).digest()).isEqualTo(second);
  }

  @Test
  void anUntaggedManifestMayGoEvenWithImmutableTags() throws Exception {
    Digest tagged = push(APP, "v1", "first");
    Digest loose = push(APP, "v2", "second");
    manifests.delete(APP, new ByTag(new Tag("v2")), ALICE);
    repositories.update(APP, SettingsChange.NONE.withImmutableTags(true), ALICE);
    manifests.delete(APP, new ByDigest(loose), ALICE);
    assertThat(manifests.get(APP, new ByDigest(tagged), false, ALICE).digest()).isEqualTo(tagged);
    assertThatThrownBy(() -> manifests.get(APP, new ByDigest(loose), false, ALICE))
        .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.error()).isEqualTo(RegistryError.MANIFEST_UNKNOWN));
  }

  interface Call {
    void run() throws Exception;
  }

  static void assertImmutable(Call call) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(RegistryException.class, e -> {
      assertThat(e.error()).isEqualTo(RegistryError.TAG_IMMUTABLE);
      assertThat(e.error().code()).isEqualTo("DENIED");
    }).hasMessageContaining("immutableTags");
  }
}
