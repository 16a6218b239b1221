package io.portcullis.identity.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.auth.Action;
import io.portcullis.identity.GroupMapping;
import io.portcullis.identity.IdentityStores;
import io.portcullis.identity.Organization;
import io.portcullis.identity.PersonalAccessToken;
import io.portcullis.identity.RepositoryLevel;
import io.portcullis.identity.RobotStore;
import io.portcullis.identity.Team;
import io.portcullis.identity.TeamMember;
import io.portcullis.identity.TeamPermission;
import io.portcullis.identity.TeamRole;
import io.portcullis.identity.TeamStore;
import io.portcullis.identity.TokenScope;
import io.portcullis.identity.TokenStore;
import io.portcullis.identity.User;
import io.portcullis.identity.UserGrant;
import io.portcullis.identity.UserSource;
import io.portcullis.metadata.DatabaseContract;
import io.portcullis.metadata.Tx;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The identity stores' SQL where it does more than one plain statement (conflicts, upserts, paging,
 * joins), on each database the registry runs on.
 */
abstract class IdentityStoresContract extends DatabaseContract {
  static final long NOW = Instant.parse("2030-01-01T00:00:00Z").toEpochMilli();
  static final long MINUTE = 60_000;

  final IdentityStores stores = JdbcIdentityStores.create();




  /** Runs {@code work} in a transaction of its own, which commits. */
  void inTx(Consumer<Tx> work) {
    database.db.inTransaction(tx -> {
      work.accept(tx);
      return null;
    });
  }

  void user(String name) {
    inTx(tx -> {
      assertThat(stores.namespaces().claim(tx, name, "user")).isEmpty();
      stores.users().insert(tx, name, UserSource.LOCAL, null, null, "hash", false, NOW);
    });
  }

  void organization(String name, String... teams) {
    inTx(tx -> {
      assertThat(stores.namespaces().claim(tx, name, "organization")).isEmpty();
      stores.organizations().insert(tx, name, null, NOW);
      for (String team : teams) {
        assertThat(stores.teams().insert(tx, name, team, null, NOW)).isTrue();
      }
    });
  }

  @Test
  void aNamespaceIsClaimedOnceAndFreedByReleasing() {
    user("alice");
    organization("acme");
    inTx(tx -> {
      assertThat(stores.namespaces().claim(tx, "alice", "organization")).contains("user");
      assertThat(stores.namespaces().claim(tx, "acme", "user")).contains("organization");
      stores.organizations().delete(tx, "acme");
      stores.namespaces().release(tx, "acme");
      assertThat(stores.namespaces().claim(tx, "acme", "user")).isEmpty();
    });
  }

  @Test
  void usersArePagedInNameOrderAndTheirProfileRoundTrips() {
    for (String name : List.of("carol", "alice", "dave", "bob")) {
      user(name);
    }
    inTx(tx -> {
      assertThat(stores.users().page(tx, null, 2)).extracting(User::name).containsExactly("alice", "bob");
      assertThat(stores.users().page(tx, "bob", 10)).extracting(User::name).containsExactly("carol", "dave");

      stores.users().updateDirectoryProfile(tx, "bob", "Bob", "bob@example.com", "uid=bob");
      stores.users().setPasswordHash(tx, "carol", null);
      assertThat(stores.users().find(tx, "bob")).contains(new User("bob", "Bob", "bob@example.com", false,
          UserSource.LOCAL, "uid=bob", false, true, Instant.ofEpochMilli(NOW), null));
      assertThat(stores.users().hasExternalId(tx, UserSource.LOCAL, "uid=bob", "alice")).isTrue();
      assertThat(stores.users().hasExternalId(tx, UserSource.LOCAL, "uid=bob", "bob")).isFalse();
      assertThat(stores.users().hasExternalId(tx, UserSource.LDAP, "uid=bob", "alice")).isFalse();
      assertThat(stores.users().passwordHash(tx, "carol")).isEmpty();
      assertThat(stores.users().find(tx, "carol").orElseThrow().hasPassword()).isFalse();
    });
  }

  @Test
  void loginsAndUsesAreRecordedOncePerInterval() {
    user("alice");
    organization("acme");
    inTx(tx -> {
      stores.robots().insert(tx, "acme+ci", "acme", null, "hash", null, NOW);
      stores.tokens().insert(tx, "t1", "alice", "laptop", "hash", TokenScope.READ, NOW, null);
      for (long at : new long[] {NOW, NOW + MINUTE - 1000}) {
        stores.users().recordLogin(tx, "alice", at, MINUTE);
        stores.robots().recordUse(tx, "acme+ci", at, MINUTE);
        stores.tokens().recordUse(tx, "t1", at, MINUTE);
      }
      assertLastUse(tx, NOW);

      stores.users().recordLogin(tx, "alice", NOW + MINUTE + 1000, MINUTE);
      stores.robots().recordUse(tx, "acme+ci", NOW + MINUTE + 1000, MINUTE);
      stores.tokens().recordUse(tx, "t1", NOW + MINUTE + 1000, MINUTE);
      assertLastUse(tx, NOW + MINUTE + 1000);
    });
  }

  private void assertLastUse(Tx tx, long at) {
    Instant expected = Instant.ofEpochMilli(at);
    assertThat(stores.users().find(tx, "alice").orElseThrow().lastLoginAt()).isEqualTo(expected);
    assertThat(stores.robots().find(tx, "acme+ci").orElseThrow().lastUsedAt()).isEqualTo(expected);
    assertThat(stores.tokens().find(tx, "t1").orElseThrow().lastUsedAt()).isEqualTo(expected);
  }

  @Test
  void organizationsArePagedForEveryoneOrForWhoIsInThem() {
    user("alice");
    organization("acme", "ci");
    organization("beta");
    organization("corp");
    organization("delta", "ops");
    inTx(tx -> {
      stores.organizations().addAdmin(tx, "beta", "alice");
      stores.teams().putMember(tx, "acme", "ci", "alice", TeamRole.MEMBER);
      // Admin and team member of the same organization: listed once.
      stores.teams().putMember(tx, "delta", "ops", "alice", TeamRole.MEMBER);
      stores.organizations().addAdmin(tx, "delta", "alice");

      assertThat(stores.organizations().page(tx, null, 10, null)).extracting(Organization::name)
          .containsExactly("acme", "beta", "corp", "delta");
      assertThat(stores.organizations().page(tx, null, 10, "alice")).extracting(Organization::name)
          .containsExactly("acme", "beta", "delta");
      assertThat(stores.organizations().page(tx, "acme", 1, "alice")).extracting(Organization::name)
          .containsExactly("beta");
      assertThat(stores.organizations().administeredBy(tx, "alice")).containsExactlyInAnyOrder("beta", "delta");
      assertThat(stores.organizations().isAdminOrTeamMember(tx, "acme", "alice")).isTrue();
      assertThat(stores.organizations().isAdminOrTeamMember(tx, "beta", "alice")).isTrue();
      assertThat(stores.organizations().isAdminOrTeamMember(tx, "corp", "alice")).isFalse();
    });
  }

  @Test
  void addingTwiceChangesNothingTheSecondTime() {
    user("alice");
    organization("acme", "ci");
    GroupMapping mapping = new GroupMapping("developers", "acme", "ci");
    inTx(tx -> {
      assertThat(stores.teams().insert(tx, "acme", "ci", "again", NOW)).isFalse();
      assertThat(stores.teams().find(tx, "acme", "ci").orElseThrow().description()).isNull();
      assertThat(stores.organizations().addAdmin(tx, "acme", "alice")).isTrue();
      assertThat(stores.organizations().addAdmin(tx, "acme", "alice")).isFalse();
      assertThat(stores.organizations().admins(tx, "acme")).containsExactly("alice");
      assertThat(stores.teams().insertMapping(tx, mapping)).isTrue();
      assertThat(stores.teams().insertMapping(tx, mapping)).isFalse();
      assertThat(stores.teams().mappings(tx)).containsExactly(mapping);
      assertThat(stores.robots().insert(tx, "acme+ci", "acme", "first", "hash", null, NOW)).isTrue();
      assertThat(stores.robots().insert(tx, "acme+ci", "acme", "second", "other", null, NOW)).isFalse();
      assertThat(stores.robots().find(tx, "acme+ci").orElseThrow().description()).isEqualTo("first");

      assertThat(stores.teams().deleteMapping(tx, mapping)).isTrue();
      assertThat(stores.teams().deleteMapping(tx, mapping)).isFalse();
      assertThat(stores.organizations().removeAdmin(tx, "acme", "alice")).isTrue();
      assertThat(stores.organizations().removeAdmin(tx, "acme", "alice")).isFalse();
    });
  }

  @Test
  void settingAMemberByHandChangesTheRoleAndEndsSynchronisation() {
    user("alice");
    organization("acme", "ci");
    inTx(tx -> {
      stores.teams().replaceSyncedMemberships(tx, "alice", Set.of(new TeamStore.Key("acme", "ci")));
      assertThat(stores.teams().members(tx, "acme", "ci"))
          .containsExactly(new TeamMember("alice", TeamRole.MEMBER, true));

      stores.teams().putMember(tx, "acme", "ci", "alice", TeamRole.ADMIN);
      assertThat(stores.teams().members(tx, "acme", "ci"))
          .containsExactly(new TeamMember("alice", TeamRole.ADMIN, false));
      assertThat(stores.teams().role(tx, "acme", "ci", "alice")).contains(TeamRole.ADMIN);
      assertThat(stores.teams().countMembers(tx, "acme", "ci")).isEqualTo(1);
    });
  }

  @Test
  void synchronisedMembershipsFollowTheTeamsGivenAndLeaveHandMadeOnesAlone() {
    user("alice");
    organization("acme", "ci", "ops", "web", "qa");
    inTx(tx -> {
      stores.teams().putMember(tx, "acme", "qa", "alice", TeamRole.ADMIN);
      stores.teams().replaceSyncedMemberships(tx, "alice",
          Set.of(new TeamStore.Key("acme", "ci"), new TeamStore.Key("acme", "ops")));
      assertThat(memberships(tx, "alice")).isEqualTo(Map.of(
          "ci", new TeamMember("alice", TeamRole.MEMBER, true),
          "ops", new TeamMember("alice", TeamRole.MEMBER, true),
          "qa", new TeamMember("alice", TeamRole.ADMIN, false)));

      // Leaves ops and joins web; qa stays set by hand, as admin, although it is among the teams now.
      stores.teams().replaceSyncedMemberships(tx, "alice", Set.of(new TeamStore.Key("acme", "ci"),
          new TeamStore.Key("acme", "web"), new TeamStore.Key("acme", "qa")));
      assertThat(memberships(tx, "alice")).isEqualTo(Map.of(
          "ci", new TeamMember("alice", TeamRole.MEMBER, true),
          "web", new TeamMember("alice", TeamRole.MEMBER, true),
          "qa", new TeamMember("alice", TeamRole.ADMIN, false)));

      stores.teams().replaceSyncedMemberships(tx, "alice", Set.of());
      assertThat(memberships(tx, "alice")).containsOnlyKeys("qa");
    });
  }

  /** The user's memberships in acme's teams, by team. */
  private Map<String, TeamMember> memberships(Tx tx, String username) {
    Map<String, TeamMember> found = new TreeMap<>();
    for (Team team : stores.teams().list(tx, "acme")) {
      stores.teams().members(tx, "acme", team.name()).stream().filter(m -> m.username().equals(username))
          .forEach(m -> found.put(team.name(), m));
    }
    return found;
  }

  @Test
  void aUserHoldsTheHighestLevelOfTeamsAndDirectGrants() {
    user("alice");
    user("bob");
    organization("acme", "ci", "ops");
    inTx(tx -> {
      stores.teams().putMember(tx, "acme", "ci", "alice", TeamRole.MEMBER);
      stores.teams().putMember(tx, "acme", "ops", "alice", TeamRole.MEMBER);
      tx.handle().execute("INSERT INTO team_repository_permissions(organization, team, repository, level) VALUES"
          + " ('acme', 'ci', 'acme/app', 'read'), ('acme', 'ops', 'acme/app', 'read-write'),"
          + " ('acme', 'ci', 'acme/lib', 'admin'), ('acme', 'ops', 'acme/web', 'read')");
      tx.handle().execute("INSERT INTO user_repository_grants(username, repository, level) VALUES"
          + " ('alice', 'acme/web', 'admin'), ('alice', 'acme/lib', 'read'), ('bob', 'acme/app', 'read'),"
          + " ('alice', 'other/x', 'read')");
      assertThat(stores.grants().levels(tx, "alice")).isEqualTo(Map.of("acme/app", RepositoryLevel.READ_WRITE,
          "acme/lib", RepositoryLevel.ADMIN, "acme/web", RepositoryLevel.ADMIN, "other/x", RepositoryLevel.READ));

      stores.grants().deleteUserGrantsIn(tx, "acme");
      assertThat(stores.grants().levels(tx, "alice")).isEqualTo(Map.of("acme/app", RepositoryLevel.READ_WRITE,
          "acme/lib", RepositoryLevel.ADMIN, "acme/web", RepositoryLevel.READ, "other/x", RepositoryLevel.READ));
      assertThat(stores.grants().levels(tx, "bob")).isEmpty();
    });
  }

  @Test
  void aRobotsGrantsAreCountedByRepositoryAndListedInOrder() {
    organization("acme");
    inTx(tx -> {
      stores.robots().insert(tx, "acme+ci", "acme", null, "hash", Instant.ofEpochMilli(NOW + 1000), NOW);
      stores.robots().insertGrant(tx, "acme+ci", "acme/web", EnumSet.of(Action.PULL));
      stores.robots().insertGrant(tx, "acme+ci", "acme/app", EnumSet.of(Action.PULL, Action.PUSH, Action.DELETE));
      assertThat(stores.robots().countGrantedRepositories(tx, "acme+ci")).isEqualTo(2);
      assertThat(stores.robots().grants(tx, "acme+ci")).containsExactly(
          Map.entry("acme/app", EnumSet.of(Action.PULL, Action.PUSH, Action.DELETE)),
          Map.entry("acme/web", EnumSet.of(Action.PULL)));
      assertThat(stores.robots().stored(tx, "acme+ci")).contains(new RobotStore.StoredRobot("hash", false, NOW + 1000));

      stores.robots().deleteGrant(tx, "acme+ci", "acme/app");
      assertThat(stores.robots().grants(tx, "acme+ci")).containsOnlyKeys("acme/web");
      assertThat(stores.robots().delete(tx, "acme+ci")).isTrue();
      assertThat(stores.robots().grants(tx, "acme+ci")).isEmpty();
      assertThat(stores.robots().delete(tx, "acme+ci")).isFalse();
    });
  }

  @Test
  void aTokenStandsUntilItExpiresIsRevokedOrItsOwnerIsDisabled() {
    user("alice");
    user("bob");
    inTx(tx -> {
      stores.tokens().insert(tx, "forever", "alice", "a", "hash", TokenScope.READ_WRITE, NOW, null);
      stores.tokens().insert(tx, "expiring", "alice", "b", "hash", TokenScope.READ, NOW + 1,
          Instant.ofEpochMilli(NOW + 5000));
      stores.tokens().insert(tx, "bobs", "bob", "c", "hash", TokenScope.READ, NOW, null);
      assertThat(stores.tokens().activeUntil(tx, "forever")).isEqualTo(Long.MAX_VALUE);
      assertThat(stores.tokens().activeUntil(tx, "expiring")).isEqualTo(NOW + 5000);
      assertThat(stores.tokens().activeUntil(tx, "unknown")).isZero();
      assertThat(stores.tokens().list(tx, "alice")).extracting(PersonalAccessToken::id)
          .containsExactly("expiring", "forever");

      assertThat(stores.tokens().revoke(tx, "forever", NOW + 10)).isTrue();
      assertThat(stores.tokens().revoke(tx, "forever", NOW + 20)).isFalse();
      assertThat(stores.tokens().activeUntil(tx, "forever")).isZero();
      assertThat(stores.tokens().stored(tx, "forever")).map(TokenStore.StoredToken::revokedAt).contains(NOW + 10);
      stores.users().setDisabled(tx, "bob", true);
      assertThat(stores.tokens().activeUntil(tx, "bobs")).isZero();
      assertThat(stores.tokens().revokeAll(tx, "alice", NOW + 30)).isEqualTo(1);
      assertThat(stores.tokens().activeUntil(tx, "expiring")).isZero();
      assertThat(stores.tokens().delete(tx, "bobs", "alice")).isFalse();
      assertThat(stores.tokens().count(tx, "alice")).isEqualTo(2);
    });
  }

  @Test
  void grantsOnARepositoryAreListedReplacedAndForgottenWithIt() {
    user("alice");
    user("bob");
    organization("acme", "ci", "ops");
    inTx(tx -> {
      stores.grants().putTeamPermission(tx, "acme", "ops", "acme/app", RepositoryLevel.READ);
      stores.grants().putTeamPermission(tx, "acme", "ci", "acme/app", RepositoryLevel.READ);
      stores.grants().putTeamPermission(tx, "acme", "ci", "acme/app", RepositoryLevel.ADMIN);
      stores.grants().putTeamPermission(tx, "acme", "ci", "acme/lib", RepositoryLevel.READ_WRITE);
      stores.grants().putUserGrant(tx, "bob", "acme/app", RepositoryLevel.READ);
      stores.grants().putUserGrant(tx, "alice", "acme/app", RepositoryLevel.READ);
      stores.grants().putUserGrant(tx, "alice", "acme/app", RepositoryLevel.READ_WRITE);
      stores.robots().insert(tx, "acme+ci", "acme", null, "hash", null, NOW);
      stores.robots().insertGrant(tx, "acme+ci", "acme/app", EnumSet.of(Action.PULL));
      stores.robots().insertGrant(tx, "acme+ci", "acme/lib", EnumSet.of(Action.PULL));

      assertThat(stores.grants().teamPermissionsOn(tx, "acme/app")).containsExactly(
          new TeamPermission("acme", "ci", "acme/app", RepositoryLevel.ADMIN),
          new TeamPermission("acme", "ops", "acme/app", RepositoryLevel.READ));
      assertThat(stores.grants().teamPermissions(tx, "acme", "ci")).extracting(TeamPermission::repository)
          .containsExactly("acme/app", "acme/lib");
      assertThat(stores.grants().userGrants(tx, "acme/app")).containsExactly(
          new UserGrant("alice", "acme/app", RepositoryLevel.READ_WRITE),
          new UserGrant("bob", "acme/app", RepositoryLevel.READ));
      assertThat(stores.grants().deleteUserGrant(tx, "bob", "acme/app")).isTrue();
      assertThat(stores.grants().deleteUserGrant(tx, "bob", "acme/app")).isFalse();
      assertThat(stores.grants().deleteTeamPermission(tx, "acme", "ops", "acme/app")).isTrue();
      assertThat(stores.grants().deleteTeamPermission(tx, "acme", "ops", "acme/app")).isFalse();

      stores.grants().deleteGrantsOn(tx, "acme/app");
      stores.robots().deleteGrantsOn(tx, "acme/app");
      assertThat(stores.grants().teamPermissionsOn(tx, "acme/app")).isEmpty();
      assertThat(stores.grants().userGrants(tx, "acme/app")).isEmpty();
      assertThat(stores.robots().grants(tx, "acme+ci")).as("other repositories keep theirs").containsOnlyKeys("acme/lib");
      assertThat(stores.grants().teamPermissionsOn(tx, "acme/lib")).hasSize(1);
    });
  }
}
