package io.portcullis.identity.ldap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LdapSettingsTest {
  static final String BIND_DN = "cn=registry,ou=services,dc=example,dc=org";

  static LdapSettings.Builder openLdap() {
    return LdapSettings.openLdap("ldap://ldap.example.org", BIND_DN, "s3cret", "ou=people,dc=example,dc=org");
  }

  @Test
  void directoryTypesHaveTheirConventionalDefaults() {
    LdapSettings openLdap = openLdap().build();
    LdapSettings ad = LdapSettings.activeDirectory("ldaps://dc1.corp.example.com", "CN=svc-registry,OU=Service,DC=corp,DC=example,DC=com",
        "s3cret", "DC=corp,DC=example,DC=com").build();

    assertThat(openLdap.userSearchFilter()).isEqualTo("(uid={0})");
    assertThat(openLdap.groups()).isEqualTo(new GroupResolution.MemberOf("memberOf"));
    assertThat(ad.userSearchFilter()).isEqualTo("(sAMAccountName={0})");
    assertThat(ad.usernameAttribute()).isEqualTo("sAMAccountName");
    assertThat(ad.displayNameAttribute()).isEqualTo("displayName");
  }

  @Test
  void startTlsOverLdapsIsRefused() {
    assertThatThrownBy(() -> openLdap().urls(List.of("ldaps://ldap.example.org")).startTls(true).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("StartTLS cannot be combined with ldaps://");
  }

  @Test
  void urlsMustBeLdapUrlsWithAHost() {
    assertThatThrownBy(() -> openLdap().urls(List.of("http://ldap.example.org")).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid LDAP URL");
    assertThatThrownBy(() -> openLdap().urls(List.of("ldap:///dc=example")).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("names no host");
    assertThatThrownBy(() -> openLdap().urls(List.of()).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one");
  }

  @Test
  void emptyBindPasswordIsRefused() {
    assertThatThrownBy(() -> LdapSettings.openLdap("ldap://h", BIND_DN, "", "dc=example,dc=org").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("anonymous bind");
  }

  @Test
  void malformedDnsAndFiltersAreRefused() {
    assertThatThrownBy(() -> LdapSettings.openLdap("ldap://h", "not a dn", "p", "dc=example,dc=org").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bind DN 'not a dn' is not a valid DN");
    assertThatThrownBy(() -> openLdap().userSearchFilter("uid={0}))").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("user search filter");
    assertThatThrownBy(() -> new GroupResolution.GroupSearch("ou=groups,dc=example,dc=org", "(member=x)", "cn"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must contain");
  }

  @Test
  void timeoutsAndPoolSizeAreBounded() {
    assertThatThrownBy(() -> openLdap().timeouts(Duration.ZERO, Duration.ofSeconds(1)).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connect timeout");
    assertThatThrownBy(() -> openLdap().timeouts(Duration.ofSeconds(1), Duration.ofHours(1)).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("response timeout");
    assertThatThrownBy(() -> openLdap().poolSize(0).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pool size");
  }

  @Test
  void toStringDoesNotShowTheBindPassword() {
    assertThat(openLdap().build().toString()).contains(BIND_DN).doesNotContain("s3cret");
  }

  @Test
  void unreadableTrustedCertificatesFailWhenTheDirectoryIsMade() {
    LdapSettings settings = openLdap().urls(List.of("ldaps://ldap.example.org"))
        .trustedCertificates(Path.of("/nonexistent/ca.pem")).build();

    assertThatThrownBy(() -> new LdapDirectory(settings))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/nonexistent/ca.pem");
  }
}
