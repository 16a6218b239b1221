package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.app.Setting;
import io.portcullis.auth.Principal;
import io.portcullis.identity.RepositoryLevel;
import io.portcullis.identity.oidc.LoginForms;
import io.portcullis.identity.servers.SharedServers;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * OpenID Connect sign-in through the registry against a certified provider (oidc-provider from the
 * shared scripts): browser login, callback, user and group-mapped teams synchronised, and the API token
 * it answers leads to a personal access token that registry clients can use.
 */
class OidcSignInIT {
  static final URI CALLBACK = URI.create("http://127.0.0.1:8199/callback");
  static final Principal SYSTEM = new Principal("admin", Principal.Kind.ADMIN, Set.of(Principal.Flag.BOOTSTRAP));

  @Test
  void signsInSynchronisesGroupsAndLeadsToARegistryCredential() throws Exception {
    SharedServers.startOidc();
    Map<Setting, String> oidc = Map.of(Setting.OIDC_ISSUER, "http://127.0.0.1:8192", Setting.OIDC_CLIENT_ID, "registry",
        Setting.OIDC_CLIENT_SECRET, "registry-secret", Setting.OIDC_REDIRECT_URI, CALLBACK.toString());
    try (TestRegistry registry = TestRegistry.start(TestRegistry.Backend.SQLITE, oidc)) {
      var identity = registry.identity();
      identity.organizations().create(SYSTEM, "hub", "staging");
      identity.teams().create(SYSTEM, "hub", "content-admins", null);
      identity.teams().mapGroup(SYSTEM, "registry-admins", "hub", "content-admins");
      identity.repositories().setTeamPermission(SYSTEM, "hub", "content-admins", "hub/alpine", RepositoryLevel.READ_WRITE);
      RegistryClient anonymous = new RegistryClient(registry.baseUrl(), null, null);

      HttpResponse<byte[]> start = anonymous.send("GET", "/api/v1/auth/oidc/login", null, null);
      assertThat(start.statusCode()).isEqualTo(302);
      URI provider = URI.create(start.headers().firstValue("Location").orElseThrow());
      assertThat(provider.toString()).startsWith("http://127.0.0.1:8192/").contains("code_challenge_method=S256");
      String cookie = start.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
      assertThat(start.headers().firstValue("Set-Cookie").orElseThrow()).contains("HttpOnly");
      String callbackQuery = LoginForms.login(provider, CALLBACK, "alice");

      HttpResponse<byte[]> withoutCookie = anonymous.send("GET", "/api/v1/auth/oidc/callback?" + callbackQuery, null, null);
      assertThat(withoutCookie.statusCode()).as("the browser that started the sign-in must finish it").isEqualTo(400);
      HttpResponse<byte[]> signedIn = anonymous.send("GET", "/api/v1/auth/oidc/callback?" + callbackQuery, null, null,
          "Cookie", cookie);
      assertThat(signedIn.statusCode()).as(new String(signedIn.body())).isEqualTo(200);
      JsonNode body = RegistryClient.json(signedIn);
      assertThat(body.get("username").asText()).isEqualTo("alice");
      String apiToken = body.get("token").asText();

      HttpResponse<byte[]> replay = anonymous.send("GET", "/api/v1/auth/oidc/callback?" + callbackQuery, null, null,
          "Cookie", cookie);
      assertThat(replay.statusCode()).as("a callback is good once").isEqualTo(400);
      HttpResponse<byte[]> forged = anonymous.send("GET", "/api/v1/auth/oidc/callback?code=x&state=forged", null, null,
          "Cookie", cookie);
      assertThat(forged.statusCode()).isEqualTo(400);
      assertThat(forged.headers().firstValue("Content-Type")).hasValue("application/problem+json");

      JsonNode me = RegistryClient.json(anonymous.send("GET", "/api/v1/user", null, null, "Authorization",
          "Bearer " + apiToken));
      assertThat(me.get("name").asText()).isEqualTo("alice");
      assertThat(me.get("source").asText()).isEqualTo("oidc");

      HttpResponse<byte[]> pat = anonymous.send("POST", "/api/v1/users/alice/tokens", null,
          "{\"name\":\"laptop\",\"scope\":\"read-write\"}".getBytes(), "Authorization", "Bearer " + apiToken,
          "Content-Type", "application/json");
      assertThat(pat.statusCode()).as(new String(pat.body())).isEqualTo(201);
      String secret = RegistryClient.json(pat).get("token").asText();
      RegistryClient alice = new RegistryClient(registry.baseUrl(), "alice", secret);
      alice.uploadBlob("hub/alpine", "pushed by an OIDC user".getBytes());
    }
  }

  @Test
  void withoutAProviderTheEndpointsSaySo() throws Exception {
    try (TestRegistry registry = TestRegistry.start(TestRegistry.Backend.SQLITE)) {
      HttpResponse<byte[]> response = new RegistryClient(registry.baseUrl(), null, null)
          .send("GET", "/api/v1/auth/oidc/login", null, null);
      assertThat(response.statusCode()).isEqualTo(404);
      assertThat(new String(response.body())).contains("not configured");
    }
  }
}
