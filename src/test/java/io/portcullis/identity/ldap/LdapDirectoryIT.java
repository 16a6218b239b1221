package io.portcullis.identity.ldap;

import io.portcullis.auth.login.DirectoryUnavailableException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.identity.servers.SharedServers;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Against the real slapd of ../shared/scripts/start-ldap.sh. */
class LdapDirectoryIT {
  static final String URL = "ldap://127.0.0.1:3389";
  static final String SUFFIX = "dc=example,dc=org";
  static final String BIND_DN = "cn=registry,ou=services," + SUFFIX;
  static final String BIND_PASSWORD = "registry-bind-pass";

  static LdapDirectory directory;

  @BeforeAll
  static void startServer() {
    SharedServers.startLdap();
    directory = new LdapDirectory(settings().build());
  }

  @AfterAll
  static void close() {
    if (directory != null) {
      directory.close();
    }
  }

  static LdapSettings.Builder settings() {
    return LdapSettings.openLdap(URL, BIND_DN, BIND_PASSWORD, "ou=people," + SUFFIX);
  }

  static Optional<LdapUser> authenticateWith(UnaryOperator<LdapSettings.Builder> change, String user, String password) {
    try (LdapDirectory other = new LdapDirectory(change.apply(settings()).build())) {
      return other.authenticate(user, password);
    }
  }

  @Test
  void goodPasswordGivesAttributesAndGroups() {
    LdapUser alice = directory.authenticate("alice", "alice-pass").orElseThrow();

    assertThat(alice.dn()).isEqualTo("uid=alice,ou=people," + SUFFIX);
    assertThat(alice.username()).isEqualTo("alice");
    assertThat(alice.displayName()).isEqualTo("Alice Admin");
    assertThat(alice.email()).contains("alice@example.org");
    assertThat(alice.groups()).containsExactly("developers", "registry-admins");
  }

  @Test
  void usernameComesBackAsTheDirectorySpellsIt() {
    assertThat(directory.authenticate("BOB", "bob-pass")).map(LdapUser::username).contains("bob");
  }

  @Test
  void wrongPasswordIsRefused() {
    assertThat(directory.authenticate("alice", "bob-pass")).isEmpty();
    assertThat(directory.authenticate("alice", "alice-pass ")).isEmpty();
  }

  @Test
  void unknownUserIsRefused() {
    assertThat(directory.authenticate("mallory", "mallory-pass")).isEmpty();
    assertThat(directory.lookup("mallory")).isEmpty();
  }

  @Test
  void emptyPasswordIsRefusedRatherThanBoundAnonymously() {
    assertThat(directory.authenticate("alice", "")).isEmpty();
    assertThat(directory.authenticate("alice", null)).isEmpty();
  }

  @Test
  void filterSyntaxInTheUsernameIsSearchedLiterally() {
    assertThat(directory.authenticate("*)(uid=*", "alice-pass")).isEmpty();
    assertThat(directory.authenticate("*", "alice-pass")).isEmpty();
    assertThat(directory.authenticate("alice)(|(uid=*", "alice-pass")).isEmpty();
    assertThat(directory.authenticate("al*", "alice-pass")).isEmpty();
    assertThat(directory.lookup("*")).isEmpty();
    assertThat(directory.lookup("*)(uid=*")).isEmpty();
  }

  @Test
  void malformedUsernamesAreRefusedWithoutAsking() {
    assertThat(directory.authenticate("", "alice-pass")).isEmpty();
    assertThat(directory.authenticate("alice\n", "alice-pass")).isEmpty();
    assertThat(directory.authenticate("a".repeat(LdapDirectory.MAX_USERNAME_LENGTH + 1), "x")).isEmpty();
    assertThat(directory.authenticate("alice", "x".repeat(LdapDirectory.MAX_PASSWORD_BYTES + 1))).isEmpty();
  }

  @Test
  void lookupReadsTheUserWithoutAPassword() {
    LdapUser carol = directory.lookup("carol").orElseThrow();

    assertThat(carol.displayName()).isEqualTo("Carol Reader");
    assertThat(carol.groups()).containsExactly("readers");
  }

  @Test
  void groupsCanBeFoundBySearchInsteadOfMemberOf() {
    GroupResolution search = new GroupResolution.GroupSearch(
        "ou=groups," + SUFFIX, "(&(objectClass=groupOfNames)(member={dn}))", "cn");

    assertThat(authenticateWith(b -> b.groups(search), "alice", "alice-pass").orElseThrow().groups())
        .containsExactly("developers", "registry-admins");
  }

  @Test
  void aFilterMatchingSeveralEntriesIsRefused() {
    assertThat(authenticateWith(b -> b.userSearchFilter("(|(uid={0})(objectClass=inetOrgPerson))"),
        "alice", "alice-pass")).isEmpty();
  }

  @Test
  void secondUrlIsUsedWhenTheFirstIsDown() throws IOException {
    String closed = "ldap://127.0.0.1:" + closedPort();

    assertThat(authenticateWith(b -> b.urls(List.of(closed, URL)), "bob", "bob-pass")).isPresent();
  }

  @Test
  void closedPortIsUnavailable() throws IOException {
    String closed = "ldap://127.0.0.1:" + closedPort();

    assertThatThrownBy(() -> authenticateWith(b -> b.urls(List.of(closed)), "alice", "alice-pass"))
        .isInstanceOf(DirectoryUnavailableException.class)
        .hasMessageContaining(closed)
        .hasMessageContaining("unavailable while searching the user");
    try (LdapDirectory down = new LdapDirectory(settings().urls(List.of(closed)).build())) {
      assertThatThrownBy(() -> down.lookup("alice")).isInstanceOf(DirectoryUnavailableException.class);
    }
  }

  @Test
  void serverThatNeverAnswersIsUnavailable() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      List<Socket> accepted = new CopyOnWriteArrayList<>();
      Thread acceptor = Thread.ofVirtual().start(() -> {
        try {
          while (true) {
            accepted.add(silent.accept());
          }
        } catch (IOException closed) {
          // the test is over
        }
      });
      String url = "ldap://127.0.0.1:" + silent.getLocalPort();

      assertThatThrownBy(() -> authenticateWith(
          b -> b.urls(List.of(url)).timeouts(Duration.ofSeconds(2), Duration.ofMillis(300)), "alice", "alice-pass"))
          .isInstanceOf(DirectoryUnavailableException.class)
          .hasMessageContaining("timeout");
      silent.close();
      acceptor.join();
      for (Socket socket : accepted) {
        socket.close();
      }
    }
  }

  @Test
  void wrongServicePasswordIsAConfigurationProblemNotAWrongUserPassword() {
    LdapSettings wrongPassword = LdapSettings.openLdap(URL, BIND_DN, "not-the-bind-pass", "ou=people," + SUFFIX).build();

    try (LdapDirectory misconfigured = new LdapDirectory(wrongPassword)) {
      assertThatThrownBy(() -> misconfigured.authenticate("alice", "alice-pass"))
          .isInstanceOf(DirectoryUnavailableException.class)
          .hasMessageContaining("refused the service account " + BIND_DN)
          .hasMessageNotContaining("not-the-bind-pass");
    }
  }

  @Test
  void missingSearchBaseIsUnavailable() {
    try (LdapDirectory wrongBase = new LdapDirectory(
        LdapSettings.openLdap(URL, BIND_DN, BIND_PASSWORD, "ou=nobody," + SUFFIX).build())) {
      assertThatThrownBy(() -> wrongBase.authenticate("alice", "alice-pass"))
          .isInstanceOf(DirectoryUnavailableException.class)
          .hasMessageContaining("search base does not exist");
    }
  }

  @Test
  void startTlsNeverFallsBackToPlainText() {
    // This slapd has no certificate, so it must refuse StartTLS and nothing may be sent in the clear.
    assertThatThrownBy(() -> authenticateWith(b -> b.startTls(true), "alice", "alice-pass"))
        .isInstanceOf(DirectoryUnavailableException.class);
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
