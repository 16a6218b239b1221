package io.portcullis.identity;

import io.portcullis.auth.Principal;
import io.portcullis.events.Event;
import io.portcullis.events.EventQuery;
import io.portcullis.metadata.TestDatabase;
import io.portcullis.repository.RepositoryException;
import io.portcullis.repository.SettingsChange;
import io.portcullis.repository.Visibility;
import io.portcullis.shared.RepositoryName;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Users, organizations, teams and repositories: validation, uniqueness and who may change what. */
class IdentityServicesTest {
  private TestIdentity world;
  private Identity id;
  private Principal admin;

  TestDatabase database(Path dir) throws Exception {
    return TestDatabase.sqlite(dir);
  }

  @BeforeEach
  void setUp(@TempDir Path dir) throws Exception {
    world = new TestIdentity(database(dir));
    id = world.identity;
    admin = world.admin;
  }

  @AfterEach
  void tearDown() throws Exception {
    // Absent when setting up was skipped (no PostgreSQL configured).
    if (world != null) {
      world.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "alice", "a1", "my.team", "my_team", "my__team", "my-team", "my---team", "0"})
  void validNames(String name) {
    assertThat(Names.isValidName(name)).isTrue();
    assertThat(id.organizations().create(admin, name, null).name()).isEqualTo(name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Alice", "-a", "a-", ".a", "a..b", "a___b", "a/b", "a+b", "a b", "ä", "a_.b"})
  void invalidNames(String name) {
    assertThat(Names.isValidName(name)).isFalse();
    assertThatThrownBy(() -> id.users().create(admin, name, TestIdentity.PASSWORD, null, null, false))
        .isInstanceOf(InvalidNameException.class);
    assertThatThrownBy(() -> id.organizations().create(admin, name, null)).isInstanceOf(InvalidNameException.class);
  }

  @Test
  void everyIdentityChangeIsRecordedWithItsActorAndOriginAndRefusedOnesAreNot() {
    Principal alice = world.user("alice");
    id.organizations().create(admin, "acme", null);
    id.teams().create(admin, "acme", "ci", null);
    id.teams().addMember(admin, "acme", "ci", "alice", TeamRole.MEMBER);
    id.repositories().setTeamPermission(admin, "acme", "ci", "acme/app", RepositoryLevel.READ_WRITE);
    id.tokens().create(alice, "alice", "laptop", TokenScope.READ_WRITE, null);
    assertThatThrownBy(() -> id.organizations().create(alice, "evil", null)).isInstanceOf(ForbiddenException.class);

    List<Event> log = world.events.search(new EventQuery(0, 100, null, null, null, null, null)).reversed();
    assertThat(log).extracting(e -> e.type().wireName() + " " + e.target() + " by " + e.caller().actor()).containsExactly(
        "user.created user alice by admin",
        "organization.created organization acme by admin",
        "team.created team acme/ci by admin",
        "team.member_added team acme/ci by admin",
        "permission.granted team acme/ci by admin",
        "token.created token " + id.tokens().list(alice, "alice").getFirst().id() + " by alice");
    assertThat(log).allSatisfy(e -> {
      assertThat(e.caller().client()).isEqualTo(TestIdentity.ORIGIN.client());
      assertThat(e.caller().requestId()).isEqualTo(TestIdentity.ORIGIN.requestId());
    });
    assertThat(log.get(4).repository()).isEqualTo(RepositoryName.of("acme/app"));
    assertThat(log.get(4).detail()).containsEntry("level", "read-write");
    assertThat(log.getLast().detail()).containsEntry("owner", "alice").doesNotContainKey("secret");
  }

  @Test
  void namesAreLimitedInLength() {
    assertThat(Names.isValidName("a".repeat(Names.MAX_NAME_LENGTH))).isTrue();
    assertThat(Names.isValidName("a".repeat(Names.MAX_NAME_LENGTH + 1))).isFalse();
    assertThatThrownBy(() -> id.organizations().create(admin, "acme", "x".repeat(Names.MAX_DESCRIPTION_LENGTH + 1)))
        .isInstanceOf(InvalidValueException.class);
    assertThatThrownBy(() -> id.users().create(admin, "alice", TestIdentity.PASSWORD, "bad\u0000name", null, false))
        .isInstanceOf(InvalidValueException.class);
    assertThatThrownBy(() -> id.users().create(admin, "alice", TestIdentity.PASSWORD, null, "not an address", false))
        .isInstanceOf(InvalidValueException.class);
  }

  @Test
  void usersAndOrganizationsShareOneNamespace() {
    world.user("alice");
    id.organizations().create(admin, "acme", null);
    assertThatThrownBy(() -> id.organizations().create(admin, "alice", null))
        .isInstanceOf(AlreadyExistsException.class).hasMessageContaining("user 'alice'");
    assertThatThrownBy(() -> world.user("acme"))
        .isInstanceOf(AlreadyExistsException.class).hasMessageContaining("organization 'acme'");
    assertThatThrownBy(() -> world.user("alice")).isInstanceOf(AlreadyExistsException.class);
  }

  @Test
  void onlySystemAdministratorsManageUsersAndOrganizations() {
    Principal alice = world.user("alice");
    assertThatThrownBy(() -> id.users().create(alice, "bob", TestIdentity.PASSWORD, null, null, false))
        .isInstanceOf(ForbiddenException.class);
    assertThatThrownBy(() -> id.users().setSystemAdmin(alice, "alice", true)).isInstanceOf(ForbiddenException.class);
    assertThatThrownBy(() -> id.organizations().create(alice, "acme", null)).isInstanceOf(ForbiddenException.class);
    assertThatThrownBy(() -> id.users().list(Principal.anonymous(), null, 10)).isInstanceOf(ForbiddenException.class);

    assertThat(id.users().updateProfile(alice, "alice", "Alice A.", "alice@example.org").displayName())
        .isEqualTo("Alice A.");
    world.user("bob");
    assertThatThrownBy(() -> id.users().updateProfile(alice, "bob", "Bob", null)).isInstanceOf(ForbiddenException.class);
    assertThat(id.users().list(alice, null, 10)).extracting(UserView::name).containsExactly("alice", "bob");
    assertThat(id.users().list(alice, "alice", 10)).extracting(UserView::name).containsExactly("bob");
    assertThatThrownBy(() -> id.users().view(alice, "carol")).isInstanceOf(NotFoundException.class);
  }

  @Test
  void usersSeeOnlyTheirOwnAccountInFullAndOthersPublicProfiles() {
    Principal alice = world.user("alice");
    world.user("bob");
    id.users().setSystemAdmin(admin, "bob", true);
    id.users().updateProfile(admin, "bob", "Bob B.", "bob@example.org");

    assertThat(id.users().list(alice, null, 10)).containsExactly(id.users().get(alice, "alice"),
        new UserProfile("bob", "Bob B."));
    assertThat(id.users().view(alice, "bob")).isEqualTo(new UserProfile("bob", "Bob B."));
    assertThat(id.users().view(alice, "alice")).isInstanceOf(User.class);
    assertThatThrownBy(() -> id.users().get(alice, "bob")).isInstanceOf(ForbiddenException.class);
    assertThat(id.users().list(admin, null, 10)).allMatch(User.class::isInstance);
    assertThat(((User) id.users().view(admin, "bob")).systemAdmin()).isTrue();
  }

  @Test
  void organizationsTheirTeamsAndMembersAreShownOnlyToThoseInThem() {
    Principal owner = world.user("owner");
    Principal member = world.user("member");
    Principal outsider = world.user("outsider");
    for (String org : List.of("acme", "globex", "initech")) {
      id.organizations().create(admin, org, null);
    }
    id.organizations().addAdmin(admin, "acme", "owner");
    id.teams().create(admin, "globex", "devs", null);
    id.teams().addMember(admin, "globex", "devs", "member", TeamRole.MEMBER);

    assertThat(id.organizations().list(owner, null, 10)).extracting(Organization::name).containsExactly("acme");
    assertThat(id.organizations().list(member, null, 10)).extracting(Organization::name).containsExactly("globex");
    assertThat(id.organizations().list(outsider, null, 10)).isEmpty();
    assertThat(id.organizations().list(admin, null, 10)).extracting(Organization::name)
        .containsExactly("acme", "globex", "initech");
    assertThat(id.teams().members(member, "globex", "devs")).extracting(TeamMember::username).containsExactly("member");
    assertThat(id.organizations().admins(owner, "acme")).containsExactly("owner");
    for (Principal stranger : List.of(owner, outsider)) {
      for (Runnable call : List.<Runnable>of(() -> id.organizations().get(stranger, "globex"),
          () -> id.organizations().admins(stranger, "globex"), () -> id.teams().list(stranger, "globex"),
          () -> id.teams().get(stranger, "globex", "devs"), () -> id.teams().members(stranger, "globex", "devs"))) {
        assertThatThrownBy(call::run).isInstanceOf(NotFoundException.class)
            .hasMessage("organization 'globex' not found");
      }
    }
    assertThatThrownBy(() -> id.organizations().list(Principal.anonymous(), null, 10))
        .isInstanceOf(ForbiddenException.class);
  }

  @Test
  void systemAdminUsersCannotDisableThemselves() {
    world.user("root");
    id.users().setSystemAdmin(admin, "root", true);
    Principal root = new Principal("root", Principal.Kind.ADMIN, Set.of());
    assertThatThrownBy(() -> id.users().setDisabled(root, "root", true)).isInstanceOf(ForbiddenException.class);
    world.user("bob");
    assertThat(id.users().setDisabled(root, "bob", true).disabled()).isTrue();
  }

  @Test
  void organizationAdminsManageTheirOrganizationOnly() {
    Principal owner = world.user("owner");
    Principal member = world.user("member");
    id.organizations().create(admin, "acme", null);
    id.organizations().create(admin, "other", null);
    id.organizations().addAdmin(admin, "acme", "owner");

    id.teams().create(owner, "acme", "devs", "developers");
    assertThatThrownBy(() -> id.teams().create(owner, "acme", "devs", null)).isInstanceOf(AlreadyExistsException.class);
    assertThatThrownBy(() -> id.teams().create(owner, "other", "devs", null)).isInstanceOf(ForbiddenException.class);
    assertThatThrownBy(() -> id.teams().create(member, "acme", "x", null)).isInstanceOf(ForbiddenException.class);
    assertThatThrownBy(() -> id.teams().addMember(owner, "acme", "devs", "nobody", TeamRole.MEMBER))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> id.teams().addMember(owner, "acme", "nope", "member", TeamRole.MEMBER))
        .isInstanceOf(NotFoundException.class);

    id.organizations().addAdmin(owner, "acme", "member");
    assertThat(id.organizations().admins(member, "acme")).containsExactly("member", "owner");
    id.organizations().removeAdmin(owner, "acme", "member");
    assertThat(id.accessController().isOrganizationAdmin(member, "acme")).isFalse();
  }

  @Test
  void teamAdminsManageTheirTeamsMembers() {
    Principal lead = world.user("lead");
    Principal dev = world.user("dev");
    world.user("newbie");
    id.organizations().create(admin, "acme", null);
    id.teams().create(admin, "acme", "devs", null);
    id.teams().create(admin, "acme", "ops", null);
    id.teams().addMember(admin, "acme", "devs", "lead", TeamRole.ADMIN);
    id.teams().addMember(admin, "acme", "devs", "dev", TeamRole.MEMBER);

    id.teams().addMember(lead, "acme", "devs", "newbie", TeamRole.MEMBER);
    assertThatThrownBy(() -> id.teams().addMember(lead, "acme", "ops", "newbie", TeamRole.MEMBER))
        .isInstanceOf(ForbiddenException.class);
    assertThatThrownBy(() -> id.teams().removeMember(dev, "acme", "devs", "newbie"))
        .isInstanceOf(ForbiddenException.class);
    assertThatThrownBy(() -> id.repositories().setTeamPermission(lead, "acme", "devs", "acme/app", RepositoryLevel.ADMIN))
        .isInstanceOf(ForbiddenException.class);
    assertThat(id.teams().members(dev, "acme", "devs")).extracting(TeamMember::username)
        .containsExactly("dev", "lead", "newbie");
  }

  @Test
  void privateRepositoriesLookAbsentToOutsiders() {
    Principal alice = world.user("alice");
    Principal bob = world.user("bob");
    world.repository("alice/secret");
    assertThat(id.repositories().get(alice, "alice/secret").visibility()).isEqualTo(Visibility.PRIVATE);
    assertThatThrownBy(() -> id.repositories().get(bob, "alice/secret"))
        .isInstanceOf(NotFoundException.class).hasMessage("repository 'alice/secret' not found");
    assertThatThrownBy(() -> id.repositories().get(bob, "alice/absent"))
        .isInstanceOf(NotFoundException.class).hasMessage("repository 'alice/absent' not found");
    assertThatThrownBy(() -> id.repositories().setVisibility(bob, "alice/secret", Visibility.PUBLIC))
        .isInstanceOf(NotFoundException.class);

    id.repositories().setVisibility(alice, "alice/secret", Visibility.PUBLIC);
    assertThat(id.repositories().get(Principal.anonymous(), "alice/secret").visibility()).isEqualTo(Visibility.PUBLIC);
    assertThatThrownBy(() -> id.repositories().setDescription(bob, "alice/secret", "mine now"))
        .isInstanceOf(ForbiddenException.class);
    assertThat(id.repositories().setDescription(alice, "alice/secret", "tools").description()).isEqualTo("tools");
  }

  @Test
  void repositoryAdminsManageUserAccess() {
    Principal alice = world.user("alice");
    Principal bob = world.user("bob");
    world.user("carol");
    world.repository("alice/app");
    id.repositories().grantUser(alice, "alice/app", "bob", RepositoryLevel.ADMIN);
    id.repositories().grantUser(bob, "alice/app", "carol", RepositoryLevel.READ);
    assertThat(id.repositories().userGrants(bob, "alice/app")).containsExactly(
        new UserGrant("bob", "alice/app", RepositoryLevel.ADMIN), new UserGrant("carol", "alice/app", RepositoryLevel.READ));
    Principal carol = new Principal("carol", Principal.Kind.USER, Set.of());
    assertThatThrownBy(() -> id.repositories().grantUser(carol, "alice/app", "carol", RepositoryLevel.ADMIN))
        .isInstanceOf(ForbiddenException.class);
    assertThat(id.accessController().canDeleteRepository(bob, "alice/app")).isFalse();
    assertThatThrownBy(() -> id.repositories().delete(bob, "alice/app")).isInstanceOf(ForbiddenException.class);

    id.repositories().delete(alice, "alice/app");
    assertThat(id.accessController().canPull(bob, "alice/app")).isFalse();
    world.repository("alice/app");
    assertThat(id.accessController().canPull(bob, "alice/app")).as("a new repository of the name is unshared").isFalse();
  }

  @Test
  void repositoriesAreCreatedByThoseWhoMayPushThere() {
    Principal alice = world.user("alice");
    assertThat(id.repositories().create(alice, "alice/new",
        SettingsChange.NONE.withVisibility(Visibility.PUBLIC).withDescription("fresh")).visibility())
        .isEqualTo(Visibility.PUBLIC);
    assertThat(id.accessController().canPull(Principal.anonymous(), "alice/new")).as("public at once").isTrue();
    assertThatThrownBy(() -> id.repositories().create(alice, "alice/new", SettingsChange.NONE))
        .isInstanceOf(RepositoryException.class).hasMessage("repository 'alice/new' already exists");
    assertThatThrownBy(() -> id.repositories().create(alice, "bob/new", SettingsChange.NONE))
        .isInstanceOf(ForbiddenException.class);
    assertThatThrownBy(() -> id.repositories().create(alice, "Alice/Bad", SettingsChange.NONE))
        .isInstanceOf(InvalidNameException.class);
  }

  @Test
  void organizationsWithRepositoriesCannotBeDeleted() {
    id.organizations().create(admin, "acme", null);
    id.teams().create(admin, "acme", "devs", null);
    world.repository("acme/app");
    assertThatThrownBy(() -> id.organizations().delete(admin, "acme")).isInstanceOf(ConflictException.class);
    world.database.db.inTransaction(tx -> tx.handle().execute("DELETE FROM repositories WHERE name = 'acme/app'"));
    id.organizations().delete(admin, "acme");
    assertThatThrownBy(() -> id.teams().list(admin, "acme")).isInstanceOf(NotFoundException.class);
    assertThat(id.organizations().create(admin, "acme", null).name()).as("name is free again").isEqualTo("acme");
    assertThat(id.teams().list(admin, "acme")).isEmpty();
  }

  @Test
  void levelsAndEnumsHaveStableSpellings() {
    assertThat(List.of(RepositoryLevel.values())).extracting(RepositoryLevel::wireName)
        .containsExactly("read", "read-write", "admin");
    assertThat(RepositoryLevel.fromWireName("read-write")).isEqualTo(RepositoryLevel.READ_WRITE);
    assertThatThrownBy(() -> RepositoryLevel.fromWireName("write")).isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("read, read-write, admin");
  }
}
