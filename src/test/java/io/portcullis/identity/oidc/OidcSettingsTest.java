package io.portcullis.identity.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OidcSettingsTest {
  static final URI CALLBACK = URI.create("https://registry.example.com/oidc/callback");

  static OidcSettings withIssuer(String issuer) {
    return OidcSettings.of(URI.create(issuer), "registry", "s3cret", CALLBACK);
  }

  @Test
  void defaultsAskForGroupsAndAcceptOwnAccessTokens() {
    OidcSettings settings = withIssuer("https://login.example.com/realms/corp");

    assertThat(settings.scopes()).containsExactly("openid", "profile", "email", "groups");
    assertThat(settings.usernameClaim()).isEqualTo("preferred_username");
    assertThat(settings.groupsClaim()).isEqualTo("groups");
    assertThat(settings.acceptedAccessTokenClients()).containsExactly("registry");
  }

  @Test
  void plainHttpIssuerOnlyOnLoopback() {
    assertThat(withIssuer("http://127.0.0.1:8192").issuer()).hasPort(8192);
    assertThat(withIssuer("http://localhost:8080").issuer()).hasHost("localhost");
    for (String insecure : List.of("http://login.example.com", "http://127.evil.example", "ftp://127.0.0.1",
        "https://login.example.com?x=1", "https://login.example.com#f")) {
      assertThatThrownBy(() -> withIssuer(insecure)).as(insecure)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("issuer");
    }
  }

  @Test
  void openidScopeIsRequired() {
    OidcSettings defaults = withIssuer("https://login.example.com");

    assertThatThrownBy(() -> new OidcSettings(defaults.issuer(), "registry", "s3cret", CALLBACK, List.of("profile"),
        "preferred_username", "groups", Set.of("registry"), Duration.ofSeconds(5), Duration.ZERO, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must include openid");
  }

  @Test
  void redirectUriMustBeAbsoluteHttp() {
    assertThatThrownBy(() -> OidcSettings.of(URI.create("https://login.example.com"), "registry", "s3cret",
        URI.create("/callback"))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("redirect URI");
  }

  @Test
  void secretIsRequiredAndNeverShown() {
    assertThatThrownBy(() -> OidcSettings.of(URI.create("https://login.example.com"), "registry", " ", CALLBACK))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("client secret");
    assertThat(withIssuer("https://login.example.com").toString()).contains("registry").doesNotContain("s3cret");
  }

  @Test
  void pendingLoginDoesNotShowItsVerifier() {
    assertThat(new PendingLogin("st", "no", "verifier-value").toString()).contains("st").doesNotContain("verifier-value");
  }
}
