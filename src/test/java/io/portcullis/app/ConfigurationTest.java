package io.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigurationTest {
  @TempDir
  Path dir;

  @Test
  void onlyMisspeltSettingsWarnNotTheLauncherOrCliVariables() {
    Configuration c = Configuration.load(null, Map.of("PORTCULLIS_JAVA_OPTS", "-Xmx1g", "PORTCULLIS_PASSWORD", "x",
        "PORTCULLIS_URL", "http://x", "PORTCULLIS_USER", "u", "PORTCULLIS_LISTN", ":1"), Map.of());
    assertThat(c.warnings()).containsExactly(
        "unknown environment variable PORTCULLIS_LISTN ignored (see docs/configuration.md)");
  }

  @Test
  void defaultsThenFileThenEnvironmentThenOptions() throws Exception {
    Path file = Files.writeString(dir.resolve("c.yaml"), "listen: 127.0.0.1:6000\nauth:\n  service: from-file\n"
        + "data-dir: /from/file\n");
    Configuration c = Configuration.load(file, Map.of("PORTCULLIS_AUTH_SERVICE", "from-env"),
        Map.of(Setting.DATA_DIR, "/from/option"));
    assertThat(c.listen().getPort()).isEqualTo(6000);
    assertThat(c.get(Setting.AUTH_SERVICE)).isEqualTo("from-env");
    assertThat(c.dataDir()).isEqualTo(Path.of("/from/option"));
    assertThat(c.get(Setting.AUTH_ISSUER)).isEqualTo("portcullis");
  }

  @Test
  void badValuesAreOneLineErrors() throws Exception {
    Path unknown = Files.writeString(dir.resolve("u.yaml"), "lisen: 1\n");
    assertThatThrownBy(() -> Configuration.load(unknown, Map.of(), Map.of()))
        .isInstanceOf(Configuration.InvalidConfiguration.class).hasMessageContaining("unknown setting 'lisen'");
    assertThatThrownBy(() -> Configuration.load(null, Map.of("PORTCULLIS_LISTEN", "nowhere"), Map.of()))
        .hasMessageContaining("HOST:PORT");
    assertThatThrownBy(() -> Configuration.load(null, Map.of(), Map.of(Setting.LISTEN, "x:70000")))
        .hasMessageContaining("0-65535");
    assertThatThrownBy(() -> Configuration.load(null, Map.of("PORTCULLIS_AUTH_TOKEN_TTL", "5 minutes"), Map.of()))
        .hasMessageContaining("ISO-8601");
    assertThatThrownBy(() -> Configuration.load(null, Map.of("PORTCULLIS_TLS_CERTIFICATE", "/c.pem"), Map.of()))
        .hasMessageContaining("together");
    assertThatThrownBy(() -> Configuration.load(null, Map.of("PORTCULLIS_DATABASE_URL", "jdbc:mysql://x"), Map.of()))
        .hasMessageContaining("jdbc:postgresql");
    assertThatThrownBy(() -> Configuration.load(null, Map.of("PORTCULLIS_WEBHOOKS_ALLOWED_NETWORKS", "10.0.0.0/8, intranet"),
        Map.of())).hasMessage("webhooks.allowed-networks: 'intranet' is not an IP address or CIDR network");
    assertThatThrownBy(() -> Configuration.load(null, Map.of("PORTCULLIS_WEBHOOKS_TIMEOUT", "10s"), Map.of()))
        .hasMessageContaining("webhooks.timeout must be an ISO-8601 duration");
    var policy = Configuration.load(null, Map.of("PORTCULLIS_WEBHOOKS_ALLOWED_NETWORKS", "127.0.0.1/32,fd12::/16"), Map.of())
        .networkPolicy(Setting.WEBHOOKS_ALLOWED_NETWORKS);
    assertThat(policy.permits(java.net.InetAddress.getByName("fd12::7"))).isTrue();
    assertThat(policy.permits(java.net.InetAddress.getByName("127.0.0.2"))).isFalse();
    assertThatThrownBy(() -> Configuration.load(null, Map.of("PORTCULLIS_MIRROR_ALLOWED_NETWORKS", "10.0.0.0/33"),
        Map.of())).hasMessageStartingWith("mirror.allowed-networks: ");
  }

  @Test
  void secretSettingsMayBeSealedWithTheMasterKey() {
    io.portcullis.auth.secret.SecretBox box = new io.portcullis.auth.secret.SecretBox(
        "a master key of at least thirty-two bytes".getBytes());
    String sealed = Configuration.SEALED_PREFIX + java.util.Base64.getEncoder()
        .encodeToString(box.seal("ldap.bind-password", "s3cret".getBytes()));
    Configuration c = Configuration.load(null, Map.of("PORTCULLIS_LDAP_BIND_PASSWORD", sealed), Map.of());
    assertThat(c.secret(Setting.LDAP_BIND_PASSWORD, box)).isEqualTo("s3cret");
    Configuration plain = Configuration.load(null, Map.of("PORTCULLIS_LDAP_BIND_PASSWORD", "plain"), Map.of());
    assertThat(plain.secret(Setting.LDAP_BIND_PASSWORD, box)).isEqualTo("plain");
    io.portcullis.auth.secret.SecretBox other = new io.portcullis.auth.secret.SecretBox(
        "another master key, also long enough!!".getBytes());
    assertThatThrownBy(() -> c.secret(Setting.LDAP_BIND_PASSWORD, other))
        .isInstanceOf(Configuration.InvalidConfiguration.class).hasMessageContaining("another master key");
    Configuration moved = Configuration.load(null, Map.of("PORTCULLIS_OIDC_CLIENT_SECRET", sealed), Map.of());
    assertThatThrownBy(() -> moved.secret(Setting.OIDC_CLIENT_SECRET, box))
        .as("a seal is bound to its setting").isInstanceOf(Configuration.InvalidConfiguration.class);
  }

  @Test
  void environmentVariableNamesFollowTheKeys() {
    assertThat(Setting.DATA_DIR.environmentVariable()).isEqualTo("PORTCULLIS_DATA_DIR");
    assertThat(Setting.MAX_BLOB_BYTES.environmentVariable()).isEqualTo("PORTCULLIS_LIMITS_MAX_BLOB_BYTES");
    assertThat(Setting.ADMIN_PASSWORD.environmentVariable()).isEqualTo("PORTCULLIS_ADMIN_PASSWORD");
  }
}
