package io.portcullis.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.auth.TestClock;
import io.portcullis.events.Event;
import io.portcullis.events.EventLog;
import io.portcullis.events.EventQuery;
import io.portcullis.events.EventType;
import io.portcullis.events.jdbc.JdbcEventStore;
import io.portcullis.metadata.DatabaseContract;
import io.portcullis.repository.jdbc.JdbcRepositoryStore;
import io.portcullis.shared.Caller;
import io.portcullis.shared.RegistryError;
import io.portcullis.shared.RegistryException;
import io.portcullis.shared.RepositoryName;
import io.portcullis.shared.RepositoryScope;
import io.portcullis.shared.Tag;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The repository domain on each database the registry runs on: settings, listing, protection, deletion. */
abstract class RepositoryServiceContract extends DatabaseContract {
  static final Caller ALICE = new Caller("alice", "192.0.2.1", "req-1");
  static final RepositoryName APP = RepositoryName.of("acme/app");

  final TestClock clock = new TestClock(Instant.parse("2030-01-01T00:00:00Z"));
  EventLog events;
  RepositoryService repositories;
  final List<RepositoryName> announced = new ArrayList<>();


  @BeforeEach
  void setUp() throws Exception {
    events = new EventLog(database.db, new JdbcEventStore(new ObjectMapper()), clock, "test");
    repositories = new RepositoryService(database.db, new JdbcRepositoryStore(), events, clock);
    repositories.addChangeListener(announced::add);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (events != null) {
      events.close();
    }
  }

  List<Event> logged(EventType type) {
    return events.search(new EventQuery(0, 100, null, null, type, null, null));
  }

  void ensure(RepositoryName name) {
    database.db.inTransaction(tx -> {
      repositories.ensure(tx, name, ALICE);
      return null;
    });
  }

  @Test
  void aFirstPushCreatesTheRepositoryWithTheDefaultsOnce() {
    ensure(APP);
    ensure(APP);
    Repository created = repositories.find(APP).orElseThrow();
    assertThat(created).isEqualTo(new Repository(APP, Visibility.PRIVATE, null, true, false, clock.instant()));
    assertThat(logged(EventType.REPOSITORY_CREATED)).singleElement().satisfies(e -> {
      assertThat(e.caller()).isEqualTo(ALICE);
      assertThat(e.detail()).containsEntry("visibility", "private").containsEntry("scanOnPush", "true")
          .containsEntry("immutableTags", "false");
    });
    assertThat(announced).as("the defaults contradict nothing cached").isEmpty();
  }

  @Test
  void anExplicitCreateTakesItsSettingsAndRefusesAnExistingName() {
    SettingsChange settings = SettingsChange.NONE.withVisibility(Visibility.PUBLIC).withDescription("tools")
        .withScanOnPush(false).withImmutableTags(true);
    Repository created = repositories.create(APP, settings, ALICE);
    assertThat(repositories.find(APP)).hasValue(created);
    assertThat(created).isEqualTo(new Repository(APP, Visibility.PUBLIC, "tools", false, true, clock.instant()));
    assertThat(repositories.publicNames()).containsExactly("acme/app");
    assertThat(announced).containsExactly(APP);

    assertThatThrownBy(() -> repositories.create(APP, SettingsChange.NONE, ALICE))
        .isInstanceOfSatisfying(RepositoryException.class,
            e -> assertThat(e.kind()).isEqualTo(RepositoryException.Kind.ALREADY_EXISTS))
        .hasMessage("repository 'acme/app' already exists");
    ensure(APP);
    assertThat(repositories.find(APP)).as("a push leaves the settings alone").hasValue(created);
    assertThat(logged(EventType.REPOSITORY_CREATED)).hasSize(1);
  }

  @Test
  void anUpdateIsOneTransactionWithOneEventNamingWhatChanged() {
    repositories.create(APP, SettingsChange.NONE.withDescription("before"), ALICE);
    Repository updated = repositories.update(APP, SettingsChange.NONE.withVisibility(Visibility.PUBLIC)
        .withDescription("after").withScanOnPush(false).withImmutableTags(false), ALICE);
    assertThat(updated).isEqualTo(new Repository(APP, Visibility.PUBLIC, "after", false, false, clock.instant()));
    assertThat(repositories.find(APP)).hasValue(updated);
    assertThat(logged(EventType.REPOSITORY_UPDATED)).singleElement().satisfies(e -> {
      assertThat(e.repository()).isEqualTo(APP);
      assertThat(e.detail()).as("immutableTags was already off")
          .isEqualTo(Map.of("visibility", "public", "description", "replaced", "scanOnPush", "false"));
    });

    repositories.update(APP, SettingsChange.NONE.withVisibility(Visibility.PUBLIC).withScanOnPush(false), ALICE);
    assertThat(logged(EventType.REPOSITORY_UPDATED)).as("a change that changes nothing is no event").hasSize(1);
    repositories.update(APP, SettingsChange.NONE.withDescription("  ").withImmutableTags(true), ALICE);
    assertThat(logged(EventType.REPOSITORY_UPDATED).getFirst().detail())
        .isEqualTo(Map.of("description", "cleared", "immutableTags", "true"));
    assertThat(repositories.find(APP).orElseThrow().description()).isNull();

    assertThatThrownBy(() -> repositories.update(RepositoryName.of("acme/absent"), SettingsChange.NONE, ALICE))
        .isInstanceOfSatisfying(RepositoryException.class,
            e -> assertThat(e.kind()).isEqualTo(RepositoryException.Kind.NOT_FOUND))
        .hasMessage("repository 'acme/absent' not found");
  }

  @Test
  void badSettingsAreRefusedBeforeAnyTransaction() {
    assertThatThrownBy(() -> SettingsChange.NONE.withDescription("x".repeat(SettingsChange.MAX_DESCRIPTION_LENGTH + 1)))
        .isInstanceOf(RepositoryException.class).hasMessage("description longer than 4096 characters");
    assertThatThrownBy(() -> SettingsChange.NONE.withDescription("bell\u0007"))
        .isInstanceOf(RepositoryException.class).hasMessage("description contains control characters");
    assertThat(SettingsChange.NONE.withDescription("two\nlines\tand a tab").description()).contains("\n");
    assertThatThrownBy(() -> Visibility.fromWireName("secret"))
        .isInstanceOfSatisfying(RepositoryException.class,
            e -> assertThat(e.kind()).isEqualTo(RepositoryException.Kind.INVALID))
        .hasMessage("unknown visibility 'secret' (expected private, public)");
  }

  @Test
  void listingPagesInNameOrderKeepingOnlyWhatIsIncluded() {
    List<RepositoryName> names = IntStream.range(0, 250).mapToObj(i -> RepositoryName.of(String.format("acme/r%03d", i)))
        .toList();
    names.forEach(this::ensure);
    // One in ten only: the first page spans several of the store's batches of 100.
    List<Repository> first = repositories.list(null, 20, r -> r.name().value().endsWith("7"));
    List<RepositoryName> expected = names.stream().filter(n -> n.value().endsWith("7")).toList();
    assertThat(first).as("one more than asked: more follow").extracting(Repository::name)
        .containsExactlyElementsOf(expected.subList(0, 21));
    List<Repository> rest = repositories.list(first.get(19).name().value(), 1000, r -> r.name().value().endsWith("7"));
    assertThat(rest).extracting(Repository::name).containsExactlyElementsOf(expected.subList(20, expected.size()));
    assertThat(repositories.list("acme/r249", 10, r -> true)).isEmpty();
  }

  @Test
  void aNamespaceHoldsRepositoriesByItsFirstPathComponent() {
    ensure(RepositoryName.of("acme2/app"));
    ensure(RepositoryName.of("acme/team/app"));
    database.db.readOnly(tx -> {
      assertThat(repositories.anyInNamespace(tx, "acme")).isTrue();
      assertThat(repositories.anyInNamespace(tx, "acme2")).isTrue();
      assertThat(repositories.anyInNamespace(tx, "acm")).isFalse();
      assertThat(repositories.anyInNamespace(tx, "team")).isFalse();
      return null;
    });
  }

  @Test
  void protectedTagsCanNeitherMoveNorGo() {
    repositories.create(APP, SettingsChange.NONE, ALICE);
    Tag latest = new Tag("latest");
    database.db.inTransaction(tx -> {
      repositories.requireTagMutable(tx, APP, latest);
      repositories.requireTagMutable(tx, RepositoryName.of("acme/absent"), latest);
      return null;
    });
    repositories.update(APP, SettingsChange.NONE.withImmutableTags(true), ALICE);
    assertThatThrownBy(() -> database.db.inTransaction(tx -> {
      repositories.requireTagMutable(tx, APP, latest);
      return null;
    })).isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.error()).isEqualTo(RegistryError.TAG_IMMUTABLE))
        .hasMessageContaining("immutableTags").hasMessageContaining("'latest'");
  }

  @Test
  void immutabilityRulesProtectMatchingTagsOfTheirScopeEvenBeforeTheRepositoryExists() {
    assertThat(RepositoryService.scopesCovering(RepositoryName.of("acme/team/app")))
        .containsExactly("acme/team/app", "acme/*", "acme/team/*");
    ImmutabilityRule rule = repositories.addImmutabilityRule(new RepositoryScope("acme/*"), "v*", ALICE);
    assertThat(repositories.immutabilityRules()).containsExactly(rule);
    assertThatThrownBy(() -> database.db.inTransaction(tx -> {
      repositories.requireTagMutable(tx, RepositoryName.of("acme/team/app"), new Tag("v1.0"));
      return null;
    })).isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.error()).isEqualTo(RegistryError.TAG_IMMUTABLE))
        .hasMessageContaining("immutability rule " + rule.id()).hasMessageContaining("'v1.0'");
    database.db.inTransaction(tx -> {
      repositories.requireTagMutable(tx, APP, new Tag("latest"));
      repositories.requireTagMutable(tx, RepositoryName.of("acmeish/app"), new Tag("v1.0"));
      return null;
    });
    assertThatThrownBy(() -> repositories.addImmutabilityRule(new RepositoryScope("acme/*"), "v*", ALICE))
        .isInstanceOfSatisfying(RepositoryException.class, e -> assertThat(e.kind())
            .isEqualTo(RepositoryException.Kind.ALREADY_EXISTS));
    assertThatThrownBy(() -> repositories.addImmutabilityRule(new RepositoryScope("acme/*"), "v/1", ALICE))
        .isInstanceOfSatisfying(RepositoryException.class, e -> assertThat(e.kind())
            .isEqualTo(RepositoryException.Kind.INVALID));
    assertThat(logged(EventType.IMMUTABILITY_RULE_CREATED)).hasSize(1);

    repositories.removeImmutabilityRule(rule.id(), ALICE);
    database.db.inTransaction(tx -> {
      repositories.requireTagMutable(tx, RepositoryName.of("acme/team/app"), new Tag("v1.0"));
      return null;
    });
    assertThat(logged(EventType.IMMUTABILITY_RULE_DELETED).getFirst().detail()).containsEntry("pattern", "v*");
    assertThatThrownBy(() -> repositories.removeImmutabilityRule(rule.id(), ALICE))
        .isInstanceOfSatisfying(RepositoryException.class, e -> assertThat(e.kind())
            .isEqualTo(RepositoryException.Kind.NOT_FOUND));
  }

  @Test
  void deletionRunsEveryParticipantInOrderInOneTransaction() {
    repositories.create(APP, SettingsChange.NONE, ALICE);
    List<String> calls = new ArrayList<>();
    repositories.addDeletionParticipant((tx, repository) -> {
      assertThat(repositories.find(tx, repository)).as("not yet gone").isPresent();
      calls.add("first " + repository);
      tx.afterCommit(() -> calls.add("after " + repository));
    });
    repositories.addDeletionParticipant((tx, repository) -> calls.add("second " + repository));
    announced.clear();

    repositories.delete(APP, ALICE);
    assertThat(calls).containsExactly("first acme/app", "second acme/app", "after acme/app");
    assertThat(repositories.find(APP)).isEmpty();
    assertThat(announced).containsExactly(APP);
    assertThat(logged(EventType.REPOSITORY_DELETED)).singleElement()
        .satisfies(e -> assertThat(e.caller()).isEqualTo(ALICE));
    assertThatThrownBy(() -> repositories.delete(APP, ALICE))
        .isInstanceOfSatisfying(RepositoryException.class,
            e -> assertThat(e.kind()).isEqualTo(RepositoryException.Kind.NOT_FOUND));
  }

  @Test
  void aFailingParticipantRollsTheWholeDeletionBack() {
    repositories.create(APP, SettingsChange.NONE.withVisibility(Visibility.PUBLIC), ALICE);
    RepositoryName witness = RepositoryName.of("acme/witness");
    List<String> after = new ArrayList<>();
    // The first participant writes in the deletion's transaction; the second fails after it.
    repositories.addDeletionParticipant((tx, repository) -> {
      repositories.ensure(tx, witness, ALICE);
      tx.afterCommit(() -> after.add("after " + repository));
    });
    repositories.addDeletionParticipant((tx, repository) -> {
      throw new IllegalStateException("participant failed");
    });
    announced.clear();

    assertThatThrownBy(() -> repositories.delete(APP, ALICE)).hasMessage("participant failed");
    assertThat(repositories.find(APP)).as("still there").isPresent();
    assertThat(repositories.find(witness)).as("the first participant's write is undone").isEmpty();
    assertThat(repositories.publicNames()).containsExactly("acme/app");
    assertThat(logged(EventType.REPOSITORY_DELETED)).isEmpty();
    assertThat(logged(EventType.REPOSITORY_CREATED)).extracting(Event::repository).containsExactly(APP);
    assertThat(after).as("nothing committed, nothing to forget").isEmpty();
    assertThat(announced).isEmpty();
  }
}
