package io.portcullis.identity.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import io.portcullis.identity.servers.SharedServers;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Against the real panva/oidc-provider of ../shared/scripts/start-oidc.sh. */
class OidcClientIT {
  static final URI ISSUER = URI.create("http://127.0.0.1:8192");
  static final URI CALLBACK = URI.create("http://127.0.0.1:8199/callback");
  static final String CLIENT_ID = "registry";
  static final String CLIENT_SECRET = "registry-secret";
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();

  static OidcClient client;

  @BeforeAll
  static void startProvider() {
    SharedServers.startOidc();
    client = new OidcClient(OidcSettings.of(ISSUER, CLIENT_ID, CLIENT_SECRET, CALLBACK));
  }

  record Login(AuthorizationRedirect redirect, String callbackQuery) {
    PendingLogin pending() {
      return redirect.pending();
    }
  }

  static Login login(String user) throws Exception {
    AuthorizationRedirect redirect = client.start();
    return new Login(redirect, LoginForms.login(redirect.url(), CALLBACK, user));
  }

  @Test
  void authorizationUrlCarriesStateNonceAndS256Challenge() {
    AuthorizationRedirect redirect = client.start();
    String query = redirect.url().getRawQuery();

    assertThat(redirect.url().toString()).startsWith(ISSUER + "/auth?");
    assertThat(query).contains("state=" + redirect.pending().state(), "nonce=" + redirect.pending().nonce(),
        "code_challenge_method=S256", "code_challenge=", "client_id=registry", "response_type=code",
        "scope=openid+profile+email+groups");
    assertThat(query).doesNotContain(redirect.pending().codeVerifier());
    assertThat(client.start().pending()).isNotEqualTo(redirect.pending());
  }

  @Test
  void fullLoginGivesTheUserWithGroups() throws Exception {
    Login login = login("alice");

    OidcUser alice = client.complete(login.callbackQuery(), login.pending());

    assertThat(alice.subject()).isEqualTo("alice");
    assertThat(alice.username()).isEqualTo("alice");
    assertThat(alice.displayName()).isEqualTo("Alice Admin");
    assertThat(alice.email()).contains("alice@example.org");
    assertThat(alice.groups()).containsExactly("developers", "registry-admins");
  }

  @Test
  void userWithoutGroupsHasNone() throws Exception {
    Login login = login("dave");

    OidcUser dave = client.complete(login.callbackQuery(), login.pending());

    assertThat(dave.username()).isEqualTo("dave");
    assertThat(dave.groups()).isEmpty();
  }

  @Test
  void claimsMissingFromTheIdTokenAreReadFromUserinfo() throws Exception {
    OidcSettings defaults = OidcSettings.of(ISSUER, CLIENT_ID, CLIENT_SECRET, CALLBACK);
    OidcClient nameAsGroups = new OidcClient(new OidcSettings(ISSUER, CLIENT_ID, CLIENT_SECRET, CALLBACK,
        defaults.scopes(), "preferred_username", "name-as-group", Set.of(CLIENT_ID), defaults.httpTimeout(),
        defaults.clockSkew(), defaults.accessTokenCacheTime()));
    AuthorizationRedirect redirect = nameAsGroups.start();
    String callback = LoginForms.login(redirect.url(), CALLBACK, "bob");

    OidcUser bob = nameAsGroups.complete(callback, redirect.pending());

    assertThat(bob.username()).isEqualTo("bob");
    assertThat(bob.groups()).isEmpty();
  }

  @Test
  void stateMismatchIsRefusedBeforeTheCodeIsSpent() throws Exception {
    Login login = login("bob");
    PendingLogin otherSession = new PendingLogin("another-state", login.pending().nonce(), login.pending().codeVerifier());

    assertThatThrownBy(() -> client.complete(login.callbackQuery(), otherSession))
        .isInstanceOf(OidcStateMismatchException.class);
    assertThat(client.complete(login.callbackQuery(), login.pending()).groups()).containsExactly("developers");
  }

  @Test
  void callbackWithoutStateIsRefused() {
    assertThatThrownBy(() -> client.complete("code=abc&iss=" + enc(ISSUER.toString()), client.start().pending()))
        .isInstanceOf(OidcStateMismatchException.class)
        .hasMessageContaining("no state");
  }

  @Test
  void nonceMismatchIsRefused() throws Exception {
    Login login = login("alice");
    PendingLogin wrongNonce = new PendingLogin(login.pending().state(), "another-nonce", login.pending().codeVerifier());

    assertThatThrownBy(() -> client.complete(login.callbackQuery(), wrongNonce))
        .isInstanceOf(OidcInvalidTokenException.class)
        .hasMessageContaining("nonce");
  }

  @Test
  void wrongPkceVerifierIsRefusedByTheProvider() throws Exception {
    Login login = login("alice");
    PendingLogin wrongVerifier = new PendingLogin(login.pending().state(), login.pending().nonce(),
        new CodeVerifier().getValue());

    assertThatThrownBy(() -> client.complete(login.callbackQuery(), wrongVerifier))
        .isInstanceOf(OidcProviderErrorException.class)
        .extracting(e -> ((OidcProviderErrorException) e).errorCode()).isEqualTo("invalid_grant");
  }

  @Test
  void aCodeWorksOnce() throws Exception {
    Login login = login("bob");
    client.complete(login.callbackQuery(), login.pending());

    assertThatThrownBy(() -> client.complete(login.callbackQuery(), login.pending()))
        .isInstanceOf(OidcProviderErrorException.class);
  }

  @Test
  void errorCallbackIsTheProvidersError() {
    PendingLogin pending = client.start().pending();
    String query = "error=access_denied&error_description=" + enc("user declined") + "&state=" + pending.state()
        + "&iss=" + enc(ISSUER.toString());

    assertThatThrownBy(() -> client.complete(query, pending))
        .isInstanceOf(OidcProviderErrorException.class)
        .hasMessageContaining("access_denied (user declined)")
        .extracting(e -> ((OidcProviderErrorException) e).errorCode()).isEqualTo("access_denied");
  }

  @Test
  void callbackFromAnotherIssuerIsRefused() throws Exception {
    Login login = login("alice");
    String mixedUp = login.callbackQuery().replace("iss=" + enc(ISSUER.toString()), "iss=" + enc("https://evil.example"));
    String withoutIssuer = login.callbackQuery().replaceAll("&?iss=[^&]*", "");

    assertThatThrownBy(() -> client.complete(mixedUp, login.pending()))
        .isInstanceOf(OidcInvalidCallbackException.class).hasMessageContaining("https://evil.example");
    assertThatThrownBy(() -> client.complete(withoutIssuer, login.pending()))
        .isInstanceOf(OidcInvalidCallbackException.class).hasMessageContaining("iss");
  }

  @Test
  void oversizedCallbackIsRefused() {
    assertThatThrownBy(() -> client.complete("code=" + "a".repeat(OidcClient.MAX_CALLBACK_LENGTH), client.start().pending()))
        .isInstanceOf(OidcInvalidCallbackException.class);
  }

  @Test
  void tamperedIdTokensAreRefused() throws Exception {
    Login login = login("bob");
    JsonNode tokens = exchangeByHand(login);
    String idToken = tokens.get("id_token").asText();
    String nonce = login.pending().nonce();
    assertThat(client.validateIdToken(idToken, nonce).getSubject().getValue()).isEqualTo("bob");

    String[] parts = idToken.split("\\.");
    ObjectNode claims = (ObjectNode) JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
    claims.put("sub", "alice").put("preferred_username", "alice").putArray("groups").add("registry-admins");
    String promoted = Base64URL.encode(JSON.writeValueAsBytes(claims)).toString();
    JWTClaimsSet claimSet = JWTClaimsSet.parse(JSON.writeValueAsString(claims));
    String kid = SignedJWT.parse(idToken).getHeader().getKeyID();

    String changedClaims = parts[0] + "." + promoted + "." + parts[2];
    String unsigned = new PlainJWT(claimSet).serialize();
    String withoutSignature = parts[0] + "." + promoted + ".";
    String foreignKey = signWithNewRsaKey(claimSet, kid);
    String hmacWithClientSecret = hmacSigned(promoted, kid);

    for (String forged : new String[] {changedClaims, unsigned, withoutSignature, foreignKey, hmacWithClientSecret, "not.a.jwt"}) {
      assertThatThrownBy(() -> client.validateIdToken(forged, nonce))
          .as(forged).isInstanceOf(OidcInvalidTokenException.class);
    }
  }

  @Test
  void providerAccessTokenIdentifiesTheUser() throws Exception {
    String accessToken = exchangeByHand(login("alice")).get("access_token").asText();

    OidcUser alice = client.validateAccessToken(accessToken);

    assertThat(alice.username()).isEqualTo("alice");
    assertThat(alice.groups()).containsExactly("developers", "registry-admins");
    assertThat(client.validateAccessToken(accessToken)).isEqualTo(alice);
  }

  @Test
  void unknownAndMalformedAccessTokensAreRefused() {
    assertThatThrownBy(() -> client.validateAccessToken("x".repeat(43)))
        .isInstanceOf(OidcInvalidTokenException.class).hasMessageContaining("not active");
    assertThatThrownBy(() -> client.validateAccessToken("with space"))
        .isInstanceOf(OidcInvalidTokenException.class);
    assertThatThrownBy(() -> client.validateAccessToken(""))
        .isInstanceOf(OidcInvalidTokenException.class);
  }

  @Test
  void accessTokenWithoutAUserIsRefused() throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(ISSUER.resolve("/token"))
        .header("Authorization", basicAuth())
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(),
        HttpResponse.BodyHandlers.ofString());
    String machineToken = JSON.readTree(response.body()).get("access_token").asText();

    assertThatThrownBy(() -> client.validateAccessToken(machineToken)).isInstanceOf(OidcInvalidTokenException.class);
  }

  @Test
  void accessTokenOfAClientNotAcceptedIsRefused() throws Exception {
    String accessToken = exchangeByHand(login("alice")).get("access_token").asText();
    OidcSettings defaults = OidcSettings.of(ISSUER, CLIENT_ID, CLIENT_SECRET, CALLBACK);
    OidcClient cliOnly = new OidcClient(new OidcSettings(ISSUER, CLIENT_ID, CLIENT_SECRET, CALLBACK, defaults.scopes(),
        defaults.usernameClaim(), defaults.groupsClaim(), Set.of("registry-cli"), defaults.httpTimeout(),
        defaults.clockSkew(), defaults.accessTokenCacheTime()));

    assertThatThrownBy(() -> cliOnly.validateAccessToken(accessToken))
        .isInstanceOf(OidcInvalidTokenException.class).hasMessageContaining("issued to client registry");
  }

  @Test
  void providerDownIsUnavailable() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    OidcClient down = new OidcClient(OidcSettings.of(URI.create("http://127.0.0.1:" + closed), CLIENT_ID, CLIENT_SECRET, CALLBACK));

    assertThatThrownBy(down::start)
        .isInstanceOf(OidcProviderUnavailableException.class)
        .hasMessageContaining("discovery document");
  }

  /** What a client could do with a code it intercepted, bypassing OidcClient, to get a real ID token. */
  private static JsonNode exchangeByHand(Login login) throws Exception {
    String code = java.util.Arrays.stream(login.callbackQuery().split("&"))
        .filter(p -> p.startsWith("code=")).findFirst().orElseThrow().substring(5);
    String form = "grant_type=authorization_code&code=" + code + "&redirect_uri=" + enc(CALLBACK.toString())
        + "&code_verifier=" + login.pending().codeVerifier();
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(ISSUER.resolve("/token"))
        .header("Authorization", basicAuth())
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static String signWithNewRsaKey(JWTClaimsSet claims, String kid) throws Exception {
    RSAKey key = new RSAKeyGenerator(2048).keyID(kid).generate();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).build(), claims);
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  /** HS256 keyed with the client secret, which OpenID Connect allows but this client must not accept. */
  private static String hmacSigned(String payload, String kid) throws Exception {
    String header = Base64URL.encode("{\"alg\":\"HS256\",\"kid\":\"" + kid + "\"}").toString();
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(CLIENT_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    byte[] signature = mac.doFinal((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
    return header + "." + payload + "." + Base64URL.encode(signature);
  }

  private static String basicAuth() {
    return "Basic " + Base64.getEncoder().encodeToString((CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
