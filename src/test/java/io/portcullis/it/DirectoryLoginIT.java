package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.app.Setting;
import io.portcullis.auth.Principal;
import io.portcullis.identity.servers.SharedServers;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Logins through the registry's token endpoint against a real LDAP server (slapd from the shared
 * scripts): directory users log in with their directory password and get their group-mapped teams;
 * an unreachable directory is a clear 503 while local administrators keep working.
 */
class DirectoryLoginIT {
  static final Principal SYSTEM = new Principal("admin", Principal.Kind.ADMIN, Set.of(Principal.Flag.BOOTSTRAP));

  static Map<Setting, String> ldap(String url) {
    return Map.of(Setting.LDAP_URL, url, Setting.LDAP_BIND_DN, "cn=registry,ou=services,dc=example,dc=org",
        Setting.LDAP_BIND_PASSWORD, "registry-bind-pass", Setting.LDAP_USER_SEARCH_BASE, "ou=people,dc=example,dc=org");
  }

  @Test
  void directoryUsersLogInAndGetTheirMappedTeams() throws Exception {
    SharedServers.startLdap();
    Map<Setting, String> settings = new java.util.EnumMap<>(ldap("ldap://127.0.0.1:3389"));
    settings.put(Setting.LDAP_SYNC_INTERVAL, "PT2S");
    try (TestRegistry registry = TestRegistry.start(TestRegistry.Backend.SQLITE, settings)) {
      var identity = registry.identity();
      identity.organizations().create(SYSTEM, "hub", "staging");
      identity.teams().create(SYSTEM, "hub", "content-admins", "may read staging");
      identity.teams().mapGroup(SYSTEM, "registry-admins", "hub", "content-admins");
      identity.repositories().setTeamPermission(SYSTEM, "hub", "content-admins", "hub/alpine",
          io.portcullis.identity.RepositoryLevel.READ);
      registry.admin().uploadBlob("hub/alpine", "content".getBytes());

      RegistryClient alice = new RegistryClient(registry.baseUrl(), "alice", "alice-pass");
      String token = alice.token("repository:hub/alpine:pull");
      assertThat(alice.send("HEAD", "/v2/hub/alpine/blobs/" + RegistryClient.sha256("content".getBytes()), null, null,
          "Authorization", "Bearer " + token).statusCode()).as("alice reads hub through her LDAP group").isEqualTo(200);
      assertThat(identity.teams().members(SYSTEM, "hub", "content-admins"))
          .anySatisfy(member -> assertThat(member.toString()).contains("alice"));

      RegistryClient carol = new RegistryClient(registry.baseUrl(), "carol", "carol-pass");
      String carolToken = carol.token("repository:hub/alpine:pull");
      assertThat(carol.send("HEAD", "/v2/hub/alpine/blobs/" + RegistryClient.sha256("content".getBytes()), null, null,
          "Authorization", "Bearer " + carolToken).statusCode()).as("carol is in no mapped group").isEqualTo(401);

      assertThatThrownBy(() -> new RegistryClient(registry.baseUrl(), "alice", "wrong").token("repository:x:pull"))
          .hasMessageContaining("401");

      // The scheduled synchronisation picks up a new group mapping and disables users gone from LDAP.
      identity.teams().create(SYSTEM, "hub", "builders", null);
      identity.teams().mapGroup(SYSTEM, "developers", "hub", "builders");
      identity.users().synchronise(new io.portcullis.identity.ExternalUser("ghost", io.portcullis.identity.UserSource.LDAP,
          "uid=ghost,ou=people,dc=example,dc=org", "Ghost", null, Set.of()));
      boolean synced = false;
      for (int i = 0; i < 100 && !synced; i++) {
        Thread.sleep(200);
        synced = identity.users().get(SYSTEM, "ghost").disabled()
            && identity.teams().members(SYSTEM, "hub", "builders").stream().anyMatch(m -> m.toString().contains("alice"));
      }
      assertThat(synced).as("ghost disabled and alice in builders after a scheduled sync").isTrue();
    }
  }

  @Test
  void anUnreachableDirectoryIsA503AndLocalAdminsStillLogIn() throws Exception {
    int closedPort;
    try (var socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (TestRegistry registry = TestRegistry.start(TestRegistry.Backend.SQLITE, ldap("ldap://127.0.0.1:" + closedPort))) {
      assertThatThrownBy(() -> new RegistryClient(registry.baseUrl(), "dave", "dave-pass").token("repository:x:pull"))
          .hasMessageContaining("503").hasMessageContaining("directory");
      assertThat(registry.admin().token("repository:x:pull")).isNotBlank();
    }
  }
}
