package io.portcullis.auth.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.portcullis.auth.Action;
import io.portcullis.auth.BootstrapAccessController;
import io.portcullis.auth.Principal;
import io.portcullis.auth.ResourceScope;
import io.portcullis.auth.ResourceType;
import io.portcullis.auth.ScopeParser;
import io.portcullis.auth.TestClock;
import io.portcullis.auth.secret.InMemorySecretStore;
import io.portcullis.auth.secret.SecretBox;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenServiceTest {
  private static final String ISSUER = "auth.portcullis.test";
  private static final String SERVICE = "portcullis.test";
  private static final Principal ADMIN = new Principal("root", Principal.Kind.ADMIN, Set.of(Principal.Flag.BOOTSTRAP));

  private final TestClock clock = new TestClock(Instant.parse("2025-03-01T12:00:00.700Z"));
  private final SigningKeys keys = SigningKeys.loadOrCreate(
      new InMemorySecretStore(), new SecretBox("master-secret-master-secret-0001".getBytes(StandardCharsets.US_ASCII)));
  private final TokenService tokens = service(TokenSettings.of(ISSUER, SERVICE), clock);
  private final ScopeParser scopes = new ScopeParser(Set.of("localhost:5000"));

  @Test
  void issuesATokenShapedAsTheDockerSpecificationDescribes() throws Exception {
    IssuedToken issued = tokens.issue(ADMIN, scopes.parseAll(List.of("repository:samalba/my-app:pull,push")));
    SignedJWT jwt = SignedJWT.parse(issued.token());
    JWTClaimsSet claims = jwt.getJWTClaimsSet();

    assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
    assertThat(jwt.getHeader().getType()).isEqualTo(JOSEObjectType.JWT);
    assertThat(jwt.getHeader().getKeyID()).isEqualTo(keys.currentKeyId());
    assertThat(claims.getIssuer()).isEqualTo(ISSUER);
    assertThat(claims.getSubject()).isEqualTo("root");
    assertThat(claims.getAudience()).containsExactly(SERVICE);
    assertThat(claims.getIssueTime().toInstant()).isEqualTo(Instant.parse("2025-03-01T12:00:00Z"));
    assertThat(claims.getNotBeforeTime()).isEqualTo(claims.getIssueTime());
    assertThat(claims.getExpirationTime().toInstant()).isEqualTo(Instant.parse("2025-03-01T12:05:00Z"));
    assertThat(claims.getJWTID()).hasSize(22);
    assertThat(claims.getListClaim("access")).containsExactly(
        Map.of("type", "repository", "name", "samalba/my-app", "actions", List.of("pull", "push")));
    assertThat(jwt.getPayload().toString()).contains("\"aud\":\"" + SERVICE + "\"");
  }

  @Test
  void reportsWhatTheTokenEndpointReturns() {
    IssuedToken issued = tokens.issue(ADMIN, scopes.parseAll(List.of("repository:a/b:pull registry:catalog:*")));

    assertThat(issued.expiresInSeconds()).isEqualTo(300);
    assertThat(issued.issuedAt()).hasToString("2025-03-01T12:00:00Z");
    assertThat(issued.scope()).isEqualTo("repository:a/b:pull registry:catalog:*");
  }

  @Test
  void tokenIdsAreUnique() throws Exception {
    String first = SignedJWT.parse(tokens.issue(ADMIN, List.of()).token()).getJWTClaimsSet().getJWTID();
    String second = SignedJWT.parse(tokens.issue(ADMIN, List.of()).token()).getJWTClaimsSet().getJWTID();

    assertThat(first).isNotEqualTo(second);
  }

  @Test
  void anonymousGetsAValidTokenWithEmptySubjectAndNoAccess() throws Exception {
    IssuedToken issued = tokens.issue(Principal.anonymous(), scopes.parseAll(List.of("repository:a/b:pull")));

    assertThat(issued.granted()).isEmpty();
    assertThat(SignedJWT.parse(issued.token()).getJWTClaimsSet().getSubject()).isEmpty();
    VerifiedToken verified = tokens.verify(issued.token());
    assertThat(verified.principal()).isEqualTo(Principal.anonymous());
    assertThat(tokens.permits(verified, ResourceType.REPOSITORY, "a/b", Action.PULL)).isFalse();
  }

  @Test
  void grantsOnlyWhatTheControllerAllowsAndNeverMoreThanAsked() {
    TokenService pullOnly = new TokenService(TokenSettings.of(ISSUER, SERVICE), keys,
        (principal, scope) -> Set.of(Action.PULL, Action.DELETE), credential -> true, clock);

    IssuedToken issued = pullOnly.issue(ADMIN, scopes.parseAll(List.of("repository:a/b:pull,push")));

    assertThat(issued.scope()).isEqualTo("repository:a/b:pull");
  }

  @Test
  void mergesRequestsForOneResourceAndDropsTheResourceClass() {
    IssuedToken issued = tokens.issue(ADMIN,
        scopes.parseAll(List.of("repository(plugin):a/b:pull repository:localhost:5000/a/b:push")));

    assertThat(issued.scope()).isEqualTo("repository:a/b:pull,push");
  }

  @Test
  void verifiesItsOwnTokenAndRecoversPrincipalAndAccess() {
    IssuedToken issued = tokens.issue(ADMIN, scopes.parseAll(List.of("repository:a/b:pull,push registry:catalog:*")));

    VerifiedToken verified = tokens.verify(issued.token());

    assertThat(verified.principal()).isEqualTo(ADMIN);
    assertThat(verified.access()).extracting(ResourceScope::toString)
        .containsExactly("repository:a/b:pull,push", "registry:catalog:*");
    assertThat(verified.expiresAt()).isEqualTo(Instant.parse("2025-03-01T12:05:00Z"));
    assertThat(verified.keyId()).isEqualTo(keys.currentKeyId());
    assertThat(verified.tokenId()).isNotBlank();
  }

  @Test
  void permitsExactlyTheGrantedActionsOnTheGrantedResource() {
    VerifiedToken token = tokens.verify(
        tokens.issue(ADMIN, scopes.parseAll(List.of("repository:a/b:pull registry:catalog:*"))).token());

    assertThat(tokens.permits(token, ResourceType.REPOSITORY, "a/b", Action.PULL)).isTrue();
    assertThat(tokens.permits(token, ResourceType.REPOSITORY, "a/b", Action.PUSH)).isFalse();
    assertThat(tokens.permits(token, ResourceType.REPOSITORY, "a/bc", Action.PULL)).isFalse();
    assertThat(tokens.permits(token, ResourceType.REPOSITORY, "a", Action.PULL)).isFalse();
    assertThat(tokens.permits(token, ResourceType.REGISTRY, "a/b", Action.PULL)).isFalse();
    assertThat(tokens.permits(token, ResourceType.REGISTRY, "catalog", Action.PULL)).isTrue();
  }

  @Test
  void rejectsTamperedClaims() throws Exception {
    String token = tokens.issue(ADMIN, scopes.parseAll(List.of("repository:a/b:pull"))).token();
    String[] parts = token.split("\\.");
    String payload = Base64URL.from(parts[1]).decodeToString().replace("\"pull\"", "\"push\"");
    String tampered = parts[0] + "." + Base64URL.encode(payload) + "." + parts[2];

    assertThatThrownBy(() -> tokens.verify(tampered))
        .isInstanceOf(InvalidTokenException.class)
        .hasMessageContaining("signature");
  }

  @Test
  void rejectsUnsignedTokens() {
    String none = new PlainJWT(adminClaims().build()).serialize();

    assertThatThrownBy(() -> tokens.verify(none))
        .isInstanceOf(InvalidTokenException.class)
        .hasMessageContaining("not signed");
  }

  @Test
  void rejectsHmacSignedWithThePublicKeyBytes() throws Exception {
    ECKey publicKey = keys.verificationKeys().getKeys().getFirst().toECKey();
    for (byte[] secret : List.of(
        publicKey.toECPublicKey().getEncoded(), publicKey.toJSONString().getBytes(StandardCharsets.UTF_8))) {
      String confused = sign(
          new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(keys.currentKeyId()).build(), new MACSigner(secret));

      assertThatThrownBy(() -> tokens.verify(confused))
          .isInstanceOf(InvalidTokenException.class)
          .hasMessageContaining("HS256 is not accepted");
    }
  }

  @Test
  void rejectsOtherEcAlgorithms() throws Exception {
    ECKey p384 = new ECKeyGenerator(Curve.P_384).generate();
    String token = sign(new JWSHeader.Builder(JWSAlgorithm.ES384).keyID(keys.currentKeyId()).build(), new ECDSASigner(p384));

    assertThatThrownBy(() -> tokens.verify(token)).isInstanceOf(InvalidTokenException.class).hasMessageContaining("ES384");
  }

  @Test
  void rejectsForeignKeys() throws Exception {
    ECKey foreign = new ECKeyGenerator(Curve.P_256).keyIDFromThumbprint(true).generate();
    String ownKid = sign(es256(foreign.getKeyID()), new ECDSASigner(foreign));
    String borrowedKid = sign(es256(keys.currentKeyId()), new ECDSASigner(foreign));

    assertThatThrownBy(() -> tokens.verify(ownKid))
        .isInstanceOf(InvalidTokenException.class)
        .hasMessageContaining("unknown key id");
    assertThatThrownBy(() -> tokens.verify(borrowedKid))
        .isInstanceOf(InvalidTokenException.class)
        .hasMessageContaining("signature");
  }

  @Test
  void rejectsTokensWithoutKeyId() throws Exception {
    String token = sign(new JWSHeader.Builder(JWSAlgorithm.ES256).build(), new ECDSASigner(keys.ring().current()));

    assertThatThrownBy(() -> tokens.verify(token)).isInstanceOf(InvalidTokenException.class).hasMessageContaining("kid");
  }

  @Test
  void rejectsTokensMissingRequiredClaims() throws Exception {
    JWTClaimsSet withoutJti = new JWTClaimsSet.Builder(adminClaims().build()).jwtID(null).build();
    SignedJWT jwt = new SignedJWT(es256(keys.currentKeyId()), withoutJti);
    jwt.sign(new ECDSASigner(keys.ring().current()));

    assertThatThrownBy(() -> tokens.verify(jwt.serialize()))
        .isInstanceOf(InvalidTokenException.class)
        .hasMessageContaining("jti");
  }

  @Test
  void rejectsWrongAudienceAndIssuer() {
    String otherService = service(TokenSettings.of(ISSUER, "other.registry"), clock).issue(ADMIN, List.of()).token();
    String otherIssuer = service(TokenSettings.of("evil.issuer", SERVICE), clock).issue(ADMIN, List.of()).token();

    assertThatThrownBy(() -> tokens.verify(otherService))
        .isInstanceOf(InvalidTokenException.class)
        .hasMessageContaining("aud claim");
    assertThatThrownBy(() -> tokens.verify(otherIssuer))
        .isInstanceOf(InvalidTokenException.class)
        .hasMessageContaining("iss");
  }

  @Test
  void honoursExpiryWithTheConfiguredSkew() {
    String fresh = tokens.issue(ADMIN, List.of()).token();
    String other = tokens.issue(ADMIN, List.of()).token();
    tokens.verify(fresh);

    clock.advance(TokenSettings.DEFAULT_LIFETIME.plusSeconds(20));
    assertThat(tokens.verify(fresh).principal()).isEqualTo(ADMIN);

    clock.advance(Duration.ofSeconds(11));
    assertThatThrownBy(() -> tokens.verify(fresh)).isInstanceOf(InvalidTokenException.class).hasMessageContaining("Expired");
    assertThatThrownBy(() -> tokens.verify(other)).isInstanceOf(InvalidTokenException.class).hasMessageContaining("Expired");
  }

  @Test
  void rejectsTokensNotYetValid() {
    TestClock ahead = new TestClock(clock.instant().plus(Duration.ofMinutes(2)));
    String early = service(TokenSettings.of(ISSUER, SERVICE), ahead).issue(ADMIN, List.of()).token();

    assertThatThrownBy(() -> tokens.verify(early))
        .isInstanceOf(InvalidTokenException.class)
        .hasMessageContaining("before use time");
    clock.advance(Duration.ofMinutes(2));
    assertThat(tokens.verify(early).principal()).isEqualTo(ADMIN);
  }

  @Test
  void rejectsGarbageEmptyAndOversizedTokens() {
    assertThatThrownBy(() -> tokens.verify("")).isInstanceOf(InvalidTokenException.class);
    assertThatThrownBy(() -> tokens.verify("not.a.jwt")).isInstanceOf(InvalidTokenException.class);
    assertThatThrownBy(() -> tokens.verify("x".repeat(TokenService.MAX_TOKEN_LENGTH + 1)))
        .isInstanceOf(InvalidTokenException.class)
        .hasMessageContaining("longer than");
  }

  @Test
  void remembersVerifiedTokensButNotPastTheirExpiry() {
    String token = tokens.issue(ADMIN, List.of()).token();

    VerifiedToken first = tokens.verify(token);
    assertThat(tokens.verify(token)).isSameAs(first);

    clock.advance(Duration.ofMinutes(10));
    assertThatThrownBy(() -> tokens.verify(token)).isInstanceOf(InvalidTokenException.class).hasMessageContaining("Expired");
  }

  @Test
  void neverRemembersAFailure() throws Exception {
    String token = tokens.issue(ADMIN, scopes.parseAll(List.of("repository:a/b:pull"))).token();
    String[] parts = token.split("\\.");
    String tampered = parts[0] + "." + parts[1] + "." + Base64URL.encode(new byte[64]);

    for (int attempt = 0; attempt < 2; attempt++) {
      assertThatThrownBy(() -> tokens.verify(tampered)).isInstanceOf(InvalidTokenException.class);
    }
    assertThat(tokens.verify(token).principal()).isEqualTo(ADMIN);
  }

  @Test
  void cacheCanBeTurnedOff() {
    TokenService uncached = service(
        new TokenSettings(ISSUER, SERVICE, Duration.ofMinutes(5), Duration.ofSeconds(30), 0), clock);
    String token = uncached.issue(ADMIN, List.of()).token();

    assertThat(uncached.verify(token)).isNotSameAs(uncached.verify(token)).isEqualTo(uncached.verify(token));
  }

  @Test
  void rotationKeepsRecentTokensValidAndDropsOlderKeysEvenFromTheCache() {
    String beforeRotation = tokens.issue(ADMIN, List.of()).token();
    tokens.verify(beforeRotation);

    keys.rotate();
    String afterRotation = tokens.issue(ADMIN, List.of()).token();
    assertThat(tokens.verify(beforeRotation).principal()).isEqualTo(ADMIN);
    assertThat(tokens.verify(afterRotation).keyId()).isEqualTo(keys.currentKeyId());

    keys.rotate();
    assertThatThrownBy(() -> tokens.verify(beforeRotation))
        .isInstanceOf(InvalidTokenException.class)
        .hasMessageContaining("unknown key id");
    assertThat(tokens.verify(afterRotation).principal()).isEqualTo(ADMIN);
  }

  @Test
  void settingsRejectLifetimesClientsCannotUse() {
    assertThatThrownBy(() -> new TokenSettings(ISSUER, SERVICE, Duration.ofSeconds(30), Duration.ZERO, 10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TokenSettings(ISSUER, " ", Duration.ofMinutes(5), Duration.ZERO, 10))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private TokenService service(TokenSettings settings, java.time.Clock time) {
    return new TokenService(settings, keys, new BootstrapAccessController(), credential -> true, time);
  }

  private JWTClaimsSet.Builder adminClaims() {
    Instant now = clock.instant();
    return new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .subject("root")
        .audience(SERVICE)
        .issueTime(Date.from(now))
        .notBeforeTime(Date.from(now))
        .expirationTime(Date.from(now.plusSeconds(300)))
        .jwtID("forged")
        .claim("kind", "admin")
        .claim("access", List.of(Map.of("type", "repository", "name", "a/b", "actions", List.of("*"))));
  }

  private static JWSHeader es256(String keyId) {
    return new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(keyId).build();
  }

  private String sign(JWSHeader header, JWSSigner signer) throws Exception {
    SignedJWT jwt = new SignedJWT(header, adminClaims().build());
    jwt.sign(signer);
    return jwt.serialize();
  }
}
