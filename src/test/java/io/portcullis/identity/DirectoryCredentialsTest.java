package io.portcullis.identity;

import io.portcullis.metadata.TestDatabase;

import io.portcullis.auth.login.DirectoryUnavailableException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.auth.Action;
import io.portcullis.auth.Principal;
import io.portcullis.auth.ResourceScope;
import io.portcullis.auth.ResourceType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryCredentialsTest {
  private static final String PASSWORD = TestIdentity.PASSWORD;

  private TestIdentity world;
  private Identity id;
  private DirectoryCredentials credentials;
  private Principal alice;

  TestDatabase database(Path dir) throws Exception {
    return TestDatabase.sqlite(dir);
  }

  @BeforeEach
  void setUp(@TempDir Path dir) throws Exception {
    world = new TestIdentity(database(dir));
    id = world.identity;
    credentials = world.credentials(null);
    alice = world.user("alice");
    world.user("bob");
  }

  @AfterEach
  void tearDown() throws Exception {
    // Absent when setting up was skipped (no PostgreSQL configured).
    if (world != null) {
      world.close();
    }
  }

  @Test
  void localUsersLogInWithTheirPasswordOnly() {
    assertThat(credentials.authenticate("alice", PASSWORD))
        .contains(new Principal("alice", Principal.Kind.USER, Set.of()));
    assertThat(credentials.authenticate("alice", PASSWORD + "x")).isEmpty();
    assertThat(credentials.authenticate("alice", "")).isEmpty();
    assertThat(credentials.authenticate("nobody", PASSWORD)).isEmpty();
    assertThat(credentials.authenticate("x".repeat(10_000), PASSWORD)).isEmpty();
    assertThat(id.users().get(world.admin, "alice").lastLoginAt()).isEqualTo(world.clock.instant());
  }

  @Test
  void systemAdministratorsLogInAsAdmins() {
    id.users().setSystemAdmin(world.admin, "bob", true);
    assertThat(credentials.authenticate("bob", PASSWORD).map(Principal::kind)).contains(Principal.Kind.ADMIN);
  }

  @Test
  void theBootstrapAdministratorIsDelegated() {
    assertThat(credentials.authenticate(TestIdentity.ADMIN, TestIdentity.ADMIN_PASSWORD)).contains(world.admin);
    assertThat(credentials.authenticate(TestIdentity.ADMIN, PASSWORD)).isEmpty();
    assertThatThrownBy(() -> id.users().create(world.admin, TestIdentity.ADMIN, PASSWORD, null, null, false))
        .isInstanceOf(InvalidNameException.class);
  }

  @Test
  void disabledUsersCannotLogInAtAll() {
    String token = id.tokens().create(alice, "alice", "ci", TokenScope.READ_WRITE, null).secret();
    id.users().setDisabled(world.admin, "alice", true);
    assertThat(credentials.authenticate("alice", PASSWORD)).isEmpty();
    assertThat(credentials.authenticate("alice", token)).isEmpty();
    id.users().setDisabled(world.admin, "alice", false);
    assertThat(credentials.authenticate("alice", PASSWORD)).isPresent();
  }

  @Test
  void personalAccessTokensWorkAsPasswordsOfTheirOwner() {
    Issued<PersonalAccessToken> read = id.tokens().create(alice, "alice", "laptop", TokenScope.READ, null);
    Issued<PersonalAccessToken> write = id.tokens().create(alice, "alice", "ci", TokenScope.READ_WRITE, null);
    assertThat(read.secret()).startsWith("pcl_").contains(read.account().id());

    assertThat(credentials.authenticate("alice", read.secret()))
        .contains(new Principal("alice", Principal.Kind.USER, Set.of(Principal.Flag.READ_ONLY), "pat:" + read.account().id()));
    assertThat(credentials.authenticate("alice", write.secret()))
        .contains(new Principal("alice", Principal.Kind.USER, Set.of(), "pat:" + write.account().id()));
    assertThat(credentials.authenticate("bob", write.secret())).as("someone else's token").isEmpty();
    String tampered = write.secret().substring(0, write.secret().length() - 1)
        + (write.secret().endsWith("A") ? "B" : "A");
    assertThat(credentials.authenticate("alice", tampered)).isEmpty();
    assertThat(id.tokens().list(alice, "alice")).extracting(PersonalAccessToken::lastUsedAt)
        .containsOnly(world.clock.instant());
  }

  @Test
  void readTokensArePullOnly() {
    Principal readOnly = credentials.authenticate("alice",
        id.tokens().create(alice, "alice", "laptop", TokenScope.READ, null).secret()).orElseThrow();
    ResourceScope scope = new ResourceScope(ResourceType.REPOSITORY, "alice/app", Set.of(Action.PULL, Action.PUSH));
    assertThat(id.accessController().grant(readOnly, scope)).containsExactly(Action.PULL);
    assertThatThrownBy(() -> id.tokens().create(readOnly, "alice", "more", TokenScope.READ_WRITE, null))
        .isInstanceOf(ForbiddenException.class);
  }

  @Test
  void revokedAndExpiredTokensAreRefused() {
    String revoked = id.tokens().create(alice, "alice", "old", TokenScope.READ_WRITE, null).secret();
    String expiring = id.tokens().create(alice, "alice", "short", TokenScope.READ_WRITE,
        world.clock.instant().plus(Duration.ofHours(1))).secret();
    String revokedId = id.tokens().list(alice, "alice").stream().filter(t -> t.name().equals("old")).findFirst()
        .orElseThrow().id();
    id.tokens().revoke(alice, "alice", revokedId);
    assertThat(credentials.authenticate("alice", revoked)).isEmpty();
    assertThat(credentials.authenticate("alice", expiring)).isPresent();
    world.clock.advance(Duration.ofHours(1));
    assertThat(credentials.authenticate("alice", expiring)).isEmpty();
    assertThatThrownBy(() -> id.tokens().create(alice, "alice", "past", TokenScope.READ, world.clock.instant()))
        .isInstanceOf(InvalidValueException.class);
  }

  @Test
  void tokensAreManagedByTheirOwnerAndAdministrators() {
    Principal bob = new Principal("bob", Principal.Kind.USER, Set.of());
    assertThatThrownBy(() -> id.tokens().create(bob, "alice", "x", TokenScope.READ, null))
        .isInstanceOf(ForbiddenException.class);
    assertThatThrownBy(() -> id.tokens().create(world.admin, "alice", "x", TokenScope.READ, null))
        .isInstanceOf(ForbiddenException.class);
    String tokenId = id.tokens().create(alice, "alice", "x", TokenScope.READ, null).account().id();
    assertThatThrownBy(() -> id.tokens().list(bob, "alice")).isInstanceOf(ForbiddenException.class);
    assertThatThrownBy(() -> id.tokens().revoke(bob, "alice", tokenId)).isInstanceOf(ForbiddenException.class);
    assertThat(id.tokens().revoke(world.admin, "alice", tokenId).revokedAt()).isNotNull();
    assertThatThrownBy(() -> id.tokens().revoke(alice, "alice", "0000000000000000"))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void robotsLogInWithTheirCurrentSecretWhileEnabledAndUnexpired() {
    id.organizations().create(world.admin, "acme", null);
    Issued<Robot> robot = id.robots().create(world.admin, "acme", "ci", "builds",
        world.clock.instant().plus(Duration.ofDays(1)));
    assertThat(robot.account().name()).isEqualTo("acme+ci");
    assertThat(robot.secret()).startsWith("pcr_");
    Principal expected = new Principal("acme+ci", Principal.Kind.ROBOT, Set.of());
    assertThat(credentials.authenticate("acme+ci", robot.secret())).contains(expected);
    assertThat(credentials.authenticate("acme+ci", robot.secret() + "x")).isEmpty();
    assertThat(credentials.authenticate("acme+nope", robot.secret())).isEmpty();
    assertThat(credentials.authenticate("other+ci", robot.secret())).isEmpty();

    String rotated = id.robots().rotate(world.admin, "acme+ci", null).secret();
    assertThat(credentials.authenticate("acme+ci", robot.secret())).isEmpty();
    assertThat(credentials.authenticate("acme+ci", rotated)).contains(expected);

    id.robots().setDisabled(world.admin, "acme+ci", true);
    assertThat(credentials.authenticate("acme+ci", rotated)).isEmpty();
    id.robots().setDisabled(world.admin, "acme+ci", false);

    String expiring = id.robots().rotate(world.admin, "acme+ci", world.clock.instant().plusSeconds(60)).secret();
    world.clock.advance(Duration.ofSeconds(60));
    assertThat(credentials.authenticate("acme+ci", expiring)).isEmpty();
    assertThat(id.accessController().grant(expected,
        new ResourceScope(ResourceType.REGISTRY, "catalog", Set.of(Action.ALL)))).as("expired robot").isEmpty();

    id.robots().delete(world.admin, "acme+ci");
    assertThatThrownBy(() -> id.robots().get(world.admin, "acme+ci")).isInstanceOf(NotFoundException.class);
  }

  @Test
  void externalDirectoryUsersAreSynchronisedWithTheirGroups() {
    id.organizations().create(world.admin, "hub", null);
    id.teams().create(world.admin, "hub", "content-admins", null);
    id.teams().create(world.admin, "hub", "auditors", null);
    id.teams().mapGroup(world.admin, "cn=Content-Admins,ou=groups", "hub", "content-admins");
    id.teams().mapGroup(world.admin, "auditors", "hub", "auditors");
    id.repositories().setTeamPermission(world.admin, "hub", "content-admins", "hub/alpine", RepositoryLevel.ADMIN);
    FakeDirectory directory = new FakeDirectory();
    directory.add("carol", "ldap password", "cn=content-admins,ou=groups", "auditors");
    DirectoryCredentials withDirectory = world.credentials(directory);

    Principal carol = withDirectory.authenticate("Carol", "ldap password").orElseThrow();
    assertThat(carol).isEqualTo(new Principal("carol", Principal.Kind.USER, Set.of()));
    User synced = id.users().get(world.admin, "carol");
    assertThat(synced.source()).isEqualTo(UserSource.LDAP);
    assertThat(synced.email()).isEqualTo("carol@example.org");
    assertThat(synced.hasPassword()).isFalse();
    assertThat(id.accessController().canManage(carol, "hub/alpine")).isTrue();
    assertThat(id.teams().members(world.admin, "hub", "auditors")).containsExactly(
        new TeamMember("carol", TeamRole.MEMBER, true));

    // A membership added by hand survives synchronisation; a synchronised one follows the group.
    id.teams().addMember(world.admin, "hub", "auditors", "carol", TeamRole.ADMIN);
    directory.add("carol", "ldap password");
    assertThat(withDirectory.authenticate("carol", "ldap password")).isPresent();
    assertThat(id.accessController().canPull(carol, "hub/alpine")).isFalse();
    assertThat(id.teams().members(world.admin, "hub", "auditors")).containsExactly(
        new TeamMember("carol", TeamRole.ADMIN, false));

    assertThat(withDirectory.authenticate("carol", "wrong")).isEmpty();
    assertThat(withDirectory.authenticate("nobody", "ldap password")).isEmpty();
  }

  @Test
  void localUsersAndTheAdministratorNeverReachTheDirectory() {
    FakeDirectory directory = new FakeDirectory();
    directory.add("alice", "directory password");
    directory.down = true;
    DirectoryCredentials withDirectory = world.credentials(directory);
    assertThat(withDirectory.authenticate("alice", PASSWORD)).isPresent();
    assertThat(withDirectory.authenticate("alice", "directory password")).isEmpty();
    assertThat(withDirectory.authenticate(TestIdentity.ADMIN, TestIdentity.ADMIN_PASSWORD)).isPresent();
    assertThatThrownBy(() -> withDirectory.authenticate("dave", "whatever"))
        .isInstanceOf(DirectoryUnavailableException.class);
  }

  @Test
  void directoryUsersCannotTakeOverOrganizationsOrInvalidNames() {
    id.organizations().create(world.admin, "acme", null);
    FakeDirectory directory = new FakeDirectory();
    directory.add("acme", "pw");
    directory.add("not valid!", "pw");
    DirectoryCredentials withDirectory = world.credentials(directory);
    assertThat(withDirectory.authenticate("acme", "pw")).isEmpty();
    assertThat(withDirectory.authenticate("not valid!", "pw")).isEmpty();
  }

  @Test
  void passwordsMustBeLongAndNotLookLikeTokens() {
    assertThatThrownBy(() -> id.users().create(world.admin, "carol", "short", null, null, false))
        .isInstanceOf(InvalidValueException.class);
    assertThatThrownBy(() -> id.users().setPassword(alice, "alice", PASSWORD, "pcl_0123456789abcdef_" + "A".repeat(43)))
        .isInstanceOf(InvalidValueException.class);
    id.users().setPassword(alice, "alice", PASSWORD, "a new long password");
    assertThat(credentials.authenticate("alice", PASSWORD)).isEmpty();
    assertThat(credentials.authenticate("alice", "a new long password")).isPresent();
  }

  @Test
  void aPasswordChangeNeedsTheCurrentPasswordNeverATokenAndEndsTheTokens() {
    var token = id.tokens().create(alice, "alice", "ci", TokenScope.READ_WRITE, null);
    Principal viaToken = credentials.authenticate("alice", token.secret()).orElseThrow();
    assertThat(viaToken.viaPersonalAccessToken()).isTrue();
    assertThat(id.tokens().isActive(viaToken.credential())).isTrue();

    assertThatThrownBy(() -> id.users().setPassword(viaToken, "alice", PASSWORD, "taken over by a token"))
        .isInstanceOf(ForbiddenException.class);
    assertThatThrownBy(() -> id.users().setPassword(alice, "alice", null, "no current password given"))
        .isInstanceOf(ForbiddenException.class);
    assertThatThrownBy(() -> id.users().setPassword(alice, "alice", "a wrong password!", "wrong current password"))
        .isInstanceOf(ForbiddenException.class);
    assertThat(credentials.authenticate("alice", PASSWORD)).isPresent();

    id.users().setPassword(alice, "alice", PASSWORD, "a new long password");
    assertThat(credentials.authenticate("alice", token.secret())).as("tokens end with the old password").isEmpty();
    assertThat(id.tokens().isActive(viaToken.credential())).isFalse();
    // An administrator resets another user's password without knowing it.
    id.users().setPassword(world.admin, "alice", null, "reset by the administrator");
    assertThat(credentials.authenticate("alice", "reset by the administrator")).isPresent();
  }

  /** A real, in-memory directory: users with passwords and groups. */
  static final class FakeDirectory implements ExternalDirectory {
    private final Map<String, String> passwords = new HashMap<>();
    private final Map<String, Set<String>> groups = new HashMap<>();
    volatile boolean down;

    void add(String user, String password, String... memberOf) {
      passwords.put(user, password);
      groups.put(user, Set.of(memberOf));
    }

    @Override
    public Optional<ExternalUser> authenticate(String username, String password) {
      if (down) {
        throw new DirectoryUnavailableException("ldap://directory: connection refused", null);
      }
      String user = username.toLowerCase(java.util.Locale.ROOT);
      if (!password.equals(passwords.get(user))) {
        return Optional.empty();
      }
      return Optional.of(new ExternalUser(user, UserSource.LDAP, "uid=" + user + ",ou=people", "Name of " + user,
          user + "@example.org", groups.get(user)));
    }
  }
}
