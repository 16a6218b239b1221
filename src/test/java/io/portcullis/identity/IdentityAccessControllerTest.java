package io.portcullis.identity;

import io.portcullis.metadata.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.auth.Action;
import io.portcullis.auth.Principal;
import io.portcullis.auth.ResourceScope;
import io.portcullis.auth.ResourceType;
import io.portcullis.repository.Visibility;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The permission table of issue 3, checked for every kind of principal on private and public
 * repositories of an organization and of a user, with principals obtained through real logins where
 * credentials are involved (tokens, robots).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdentityAccessControllerTest {
  private static final String PRIVATE = "acme/app";
  private static final String PUBLIC = "acme/pub";
  private static final String OWN_PRIVATE = "alice/tool";
  private static final String OWN_PUBLIC = "alice/site";
  private static final List<String> REPOSITORIES = List.of(PRIVATE, PUBLIC, OWN_PRIVATE, OWN_PUBLIC);

  private TestIdentity world;
  private IdentityAccessController access;
  private final Map<String, Principal> principals = new HashMap<>();

  TestDatabase database(Path dir) throws Exception {
    return TestDatabase.sqlite(dir);
  }

  @BeforeAll
  void buildWorld(@TempDir Path dir) throws Exception {
    world = new TestIdentity(database(dir));
    Identity id = world.identity;
    Principal admin = world.admin;
    access = id.accessController();
    REPOSITORIES.forEach(world::repository);
    world.repository("other/secret");

    id.organizations().create(admin, "acme", "the company");
    id.organizations().create(admin, "other", null);
    for (String name : List.of("alice", "bob", "reader", "writer", "repoadmin", "orgadmin", "sysadmin", "additive",
        "gone")) {
      principals.put(name, world.user(name));
    }
    id.users().setSystemAdmin(admin, "sysadmin", true);
    id.organizations().addAdmin(admin, "acme", "orgadmin");
    Principal orgAdmin = principals.get("orgadmin");
    Principal alice = principals.get("alice");

    Map<String, RepositoryLevel> teams = Map.of("readers", RepositoryLevel.READ, "writers", RepositoryLevel.READ_WRITE,
        "admins", RepositoryLevel.ADMIN);
    teams.forEach((team, level) -> {
      id.teams().create(orgAdmin, "acme", team, null);
      for (String repository : List.of(PRIVATE, PUBLIC)) {
        id.repositories().setTeamPermission(orgAdmin, "acme", team, repository, level);
      }
    });
    id.teams().addMember(orgAdmin, "acme", "readers", "reader", TeamRole.MEMBER);
    id.teams().addMember(orgAdmin, "acme", "writers", "writer", TeamRole.MEMBER);
    id.teams().addMember(orgAdmin, "acme", "admins", "repoadmin", TeamRole.MEMBER);
    id.teams().addMember(orgAdmin, "acme", "admins", "gone", TeamRole.ADMIN);
    id.teams().addMember(orgAdmin, "acme", "readers", "additive", TeamRole.MEMBER);
    id.repositories().grantUser(orgAdmin, PRIVATE, "additive", RepositoryLevel.READ_WRITE);
    id.users().setDisabled(admin, "gone", true);

    id.repositories().setVisibility(orgAdmin, PUBLIC, Visibility.PUBLIC);
    id.repositories().setVisibility(alice, OWN_PUBLIC, Visibility.PUBLIC);

    DirectoryCredentials credentials = world.credentials(null);
    Principal writer = principals.get("writer");
    String readToken = id.tokens().create(writer, "writer", "laptop", TokenScope.READ, null).secret();
    String writeToken = id.tokens().create(writer, "writer", "ci", TokenScope.READ_WRITE, null).secret();
    principals.put("pat-read", credentials.authenticate("writer", readToken).orElseThrow());
    principals.put("pat-read-write", credentials.authenticate("writer", writeToken).orElseThrow());

    Issued<Robot> robot = id.robots().create(orgAdmin, "acme", "ci", null, null);
    id.robots().setGrant(orgAdmin, "acme+ci", PRIVATE, Set.of(Action.PULL, Action.PUSH));
    principals.put("robot", credentials.authenticate("acme+ci", robot.secret()).orElseThrow());

    principals.put("sysadmin", credentials.authenticate("sysadmin", TestIdentity.PASSWORD).orElseThrow());
    principals.put("bootstrap", admin);
    principals.put("anonymous", Principal.anonymous());
  }

  @AfterAll
  void close() throws Exception {
    if (world != null) {
      world.close();
    }
  }

  /** Expected operations per principal on acme/app (private), acme/pub (public), alice/tool, alice/site. */
  static Stream<Arguments> matrix() {
    String all = "pull push delete manage delete-repository";
    String rw = "pull push delete";
    String admin = "pull push delete manage";
    return Stream.of(
        Arguments.of("bob", "no permission", List.of("", "pull", "", "pull")),
        Arguments.of("reader", "team read", List.of("pull", "pull", "", "pull")),
        Arguments.of("writer", "team read-write", List.of(rw, rw, "", "pull")),
        Arguments.of("repoadmin", "team admin level", List.of(admin, admin, "", "pull")),
        Arguments.of("additive", "team read + direct read-write", List.of(rw, "pull", "", "pull")),
        Arguments.of("orgadmin", "organization admin", List.of(all, all, "", "pull")),
        Arguments.of("alice", "namespace owner", List.of("", "pull", all, all)),
        Arguments.of("sysadmin", "system admin user", List.of(all, all, all, all)),
        Arguments.of("bootstrap", "bootstrap admin", List.of(all, all, all, all)),
        Arguments.of("anonymous", "anonymous", List.of("", "pull", "", "pull")),
        Arguments.of("robot", "robot with pull,push on acme/app", List.of("pull push", "pull", "", "pull")),
        Arguments.of("pat-read", "read token of a read-write user", List.of("pull", "pull", "", "pull")),
        Arguments.of("pat-read-write", "read-write token of a read-write user", List.of(rw, rw, "", "pull")),
        Arguments.of("gone", "disabled user (team admin level)", List.of("", "", "", "")));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("matrix")
  void permissionTable(String principal, String description, List<String> expected) {
    Principal who = principals.get(principal);
    List<String> actual = new ArrayList<>();
    for (String repository : REPOSITORIES) {
      actual.add(operations(who, repository));
    }
    assertThat(actual).as(description + " on " + REPOSITORIES).isEqualTo(expected);
  }

  private String operations(Principal who, String repository) {
    Set<Action> granted = access.grant(who, scope(repository, Action.PULL, Action.PUSH, Action.DELETE));
    List<String> ops = new ArrayList<>();
    granted.forEach(a -> ops.add(a.wireName()));
    if (access.canManage(who, repository)) {
      ops.add("manage");
    }
    if (access.canDeleteRepository(who, repository)) {
      ops.add("delete-repository");
    }
    return String.join(" ", ops);
  }

  @Test
  void crossNamespaceAccessIsRefused() {
    for (String name : List.of("orgadmin", "alice", "writer", "repoadmin", "robot")) {
      assertThat(operations(principals.get(name), "other/secret")).as(name).isEmpty();
      assertThat(operations(principals.get(name), "bob/private")).as(name).isEmpty();
    }
    assertThat(operations(principals.get("bob"), "alice/new")).isEmpty();
  }

  @Test
  void pushingANewRepositoryNeedsTheNamespaceOrAPermissionOnThatName() {
    assertThat(access.canPush(principals.get("alice"), "alice/new/nested")).isTrue();
    assertThat(access.canPush(principals.get("orgadmin"), "acme/new")).isTrue();
    assertThat(access.canPush(principals.get("writer"), "acme/new")).isFalse();
    assertThat(access.canPush(principals.get("bob"), "acme/new")).isFalse();
    assertThat(access.canPush(principals.get("robot"), "acme/new")).isFalse();
    assertThat(access.canPush(principals.get("sysadmin"), "toplevel")).isTrue();
    assertThat(access.canPush(principals.get("alice"), "toplevel")).isFalse();
  }

  @Test
  void allIsGrantedOnlyToThoseWhoHoldEverything() {
    assertThat(access.grant(principals.get("repoadmin"), scope(PRIVATE, Action.ALL))).containsExactly(Action.ALL);
    assertThat(access.grant(principals.get("writer"), scope(PRIVATE, Action.ALL))).isEmpty();
    assertThat(access.grant(principals.get("robot"), scope(PRIVATE, Action.ALL))).isEmpty();
    assertThat(access.grant(principals.get("pat-read-write"), scope(PRIVATE, Action.ALL))).isEmpty();
    assertThat(access.grant(principals.get("orgadmin"), scope(PRIVATE, Action.PULL, Action.ALL)))
        .containsExactly(Action.PULL, Action.ALL);
  }

  @Test
  void catalogIsForActiveAuthenticatedPrincipals() {
    ResourceScope catalog = new ResourceScope(ResourceType.REGISTRY, "catalog", Set.of(Action.ALL));
    for (String name : List.of("bob", "robot", "pat-read", "sysadmin", "bootstrap")) {
      assertThat(access.grant(principals.get(name), catalog)).as(name).containsExactly(Action.ALL);
    }
    assertThat(access.grant(principals.get("anonymous"), catalog)).isEmpty();
    assertThat(access.grant(principals.get("gone"), catalog)).isEmpty();
    assertThat(access.grant(new Principal("nobody", Principal.Kind.USER, Set.of()), catalog)).isEmpty();
  }

  @Test
  void unknownAccountsGetNothing() {
    assertThat(operations(new Principal("ghost", Principal.Kind.USER, Set.of()), PUBLIC)).isEmpty();
    assertThat(operations(new Principal("ghost", Principal.Kind.ADMIN, Set.of()), PRIVATE)).isEmpty();
    assertThat(operations(new Principal("acme+ghost", Principal.Kind.ROBOT, Set.of()), PRIVATE)).isEmpty();
  }

  @Test
  void robotsCannotBeGrantedOutsideTheirOrganization() {
    Principal orgAdmin = principals.get("orgadmin");
    assertThatThrownBy(() -> world.identity.robots().setGrant(orgAdmin, "acme+ci", "other/secret", Set.of(Action.PULL)))
        .isInstanceOf(InvalidNameException.class);
    assertThatThrownBy(() -> world.identity.robots().setGrant(world.admin, "acme+ci", "other/secret", Set.of(Action.PULL)))
        .isInstanceOf(InvalidNameException.class);
    assertThatThrownBy(() -> world.identity.robots().setGrant(orgAdmin, "acme+ci", PRIVATE, Set.of(Action.ALL)))
        .isInstanceOf(InvalidValueException.class);
  }

  @Test
  void teamPermissionsStayInsideTheOrganization() {
    assertThatThrownBy(() -> world.identity.repositories()
        .setTeamPermission(world.admin, "acme", "writers", "other/secret", RepositoryLevel.ADMIN))
        .isInstanceOf(InvalidNameException.class);
    assertThatThrownBy(() -> world.identity.repositories()
        .setTeamPermission(principals.get("orgadmin"), "other", "writers", "other/secret", RepositoryLevel.ADMIN))
        .isInstanceOf(ForbiddenException.class);
  }

  @Test
  void writesTakeEffectAtOnce() {
    Identity id = world.identity;
    Principal bob = principals.get("bob");
    String repository = "acme/bobs";
    assertThat(access.canPull(bob, repository)).isFalse();
    id.repositories().grantUser(principals.get("orgadmin"), repository, "bob", RepositoryLevel.READ);
    assertThat(access.grant(bob, scope(repository, Action.PULL, Action.PUSH))).containsExactly(Action.PULL);
    id.repositories().revokeUser(principals.get("orgadmin"), repository, "bob");
    assertThat(access.canPull(bob, repository)).isFalse();

    id.teams().addMember(world.admin, "acme", "writers", "bob", TeamRole.MEMBER);
    assertThat(access.canPush(bob, PRIVATE)).isTrue();
    id.teams().removeMember(world.admin, "acme", "writers", "bob");
    assertThat(access.canPush(bob, PRIVATE)).isFalse();
  }

  @Test
  void readOnlyFlagCutsEvenAdministratorsDownToPull() {
    Principal readOnlyAdmin = new Principal("sysadmin", Principal.Kind.ADMIN, EnumSet.of(Principal.Flag.READ_ONLY));
    assertThat(operations(readOnlyAdmin, PRIVATE)).isEqualTo("pull");
    assertThat(access.isSystemAdmin(readOnlyAdmin)).isFalse();
  }

  @Test
  void listingsCanBeFilteredPerRepository() {
    Principal reader = principals.get("reader");
    TreeSet<String> visible = new TreeSet<>();
    for (String repository : List.of(PRIVATE, PUBLIC, OWN_PRIVATE, OWN_PUBLIC, "other/secret")) {
      if (!access.grant(reader, scope(repository, Action.PULL)).isEmpty()) {
        visible.add(repository);
      }
    }
    assertThat(visible).containsExactly(PRIVATE, PUBLIC, OWN_PUBLIC);
  }

  private static ResourceScope scope(String repository, Action... actions) {
    return new ResourceScope(ResourceType.REPOSITORY, repository, Set.of(actions));
  }
}
