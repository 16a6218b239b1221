package io.portcullis.it;

import io.portcullis.auth.Action;
import io.portcullis.auth.Principal;
import io.portcullis.identity.Identity;
import io.portcullis.identity.RepositoryLevel;
import io.portcullis.identity.TeamRole;
import io.portcullis.identity.TokenScope;
import io.portcullis.repository.SettingsChange;
import io.portcullis.repository.Visibility;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The organization {@code acme} of issue 3's permission table, set up through the identity services of a
 * running server: a private and a public repository, teams holding each level on both, an organization
 * admin, namespace owners, a system administrator, a CI robot, and personal access tokens.
 */
final class AccessWorld {
  static final String PRIVATE = "acme/private";
  static final String PUBLIC = "acme/public";
  static final String ALICE_REPO = "alice/tool";
  static final String BOB_REPO = "bob/tool";
  static final String ROBOT = "acme+ci";
  static final String TAG = "latest";

  /** Users created here; each one's password is {@link #password}. */
  static final List<String> USERS =
      List.of("sysadmin", "orgadmin", "reader", "writer", "repoadmin", "stranger", "alice", "bob");

  final String robotSecret;
  /** Personal access tokens of {@code writer}. */
  final String writerReadToken;
  final String writerReadWriteToken;

  private AccessWorld(String robotSecret, String writerReadToken, String writerReadWriteToken) {
    this.robotSecret = robotSecret;
    this.writerReadToken = writerReadToken;
    this.writerReadWriteToken = writerReadWriteToken;
  }

  static String password(String user) {
    return user + "-password-of-the-world";
  }

  static Principal user(String name) {
    return new Principal(name, Principal.Kind.USER, Set.of());
  }

  /** Creates the accounts and grants, then pushes clean-tiny as {@link #TAG} into every repository. */
  static AccessWorld create(TestRegistry registry) throws Exception {
    Identity identity = registry.identity();
    Principal root = new Principal(TestRegistry.ADMIN, Principal.Kind.ADMIN, Set.of(Principal.Flag.BOOTSTRAP));
    for (String name : USERS) {
      identity.users().create(root, name, password(name), null, null, name.equals("sysadmin"));
    }
    identity.organizations().create(root, "acme", "the organization of the permission table");
    identity.organizations().addAdmin(root, "acme", "orgadmin");
    record Membership(String team, String member, RepositoryLevel level) {}
    for (Membership m : List.of(new Membership("readers", "reader", RepositoryLevel.READ),
        new Membership("writers", "writer", RepositoryLevel.READ_WRITE),
        new Membership("admins", "repoadmin", RepositoryLevel.ADMIN))) {
      identity.teams().create(root, "acme", m.team(), null);
      identity.teams().addMember(root, "acme", m.team(), m.member(), TeamRole.MEMBER);
      for (String repository : List.of(PRIVATE, PUBLIC)) {
        identity.repositories().setTeamPermission(root, "acme", m.team(), repository, m.level());
      }
    }
    Principal orgAdmin = user("orgadmin");
    identity.repositories().create(orgAdmin, PRIVATE, SettingsChange.NONE);
    identity.repositories().create(orgAdmin, PUBLIC, SettingsChange.NONE.withVisibility(Visibility.PUBLIC));
    identity.repositories().create(user("alice"), ALICE_REPO, SettingsChange.NONE);
    identity.repositories().create(user("bob"), BOB_REPO, SettingsChange.NONE);
    String robotSecret = identity.robots().create(orgAdmin, "acme", "ci", "pushes acme/private", null).secret();
    identity.robots().setGrant(orgAdmin, ROBOT, PRIVATE, Set.of(Action.PULL, Action.PUSH));
    Principal writer = user("writer");
    String readToken = identity.tokens().create(writer, "writer", "laptop", TokenScope.READ, null).secret();
    String readWriteToken = identity.tokens().create(writer, "writer", "ci", TokenScope.READ_WRITE, null).secret();
    for (String repository : List.of(PRIVATE, PUBLIC, ALICE_REPO, BOB_REPO)) {
      Skopeo.copy(cleanTiny(), Skopeo.adminCreds(), "docker://" + registry.host + "/" + repository + ":" + TAG);
    }
    return new AccessWorld(robotSecret, readToken, readWriteToken);
  }

  static Path cleanTiny() {
    return Processes.shared().resolve("fixtures/images/clean-tiny");
  }
}
