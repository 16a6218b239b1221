package io.portcullis.it;

import static io.portcullis.it.AccessWorld.BOB_REPO;
import static io.portcullis.it.AccessWorld.PRIVATE;
import static io.portcullis.it.AccessWorld.PUBLIC;
import static io.portcullis.it.AccessWorld.ROBOT;
import static io.portcullis.it.AccessWorld.TAG;
import static io.portcullis.it.AccessWorld.password;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.portcullis.auth.AccessController;
import io.portcullis.auth.Action;
import io.portcullis.auth.Principal;
import io.portcullis.auth.ResourceScope;
import io.portcullis.auth.ResourceType;
import io.portcullis.auth.login.LoginGuard;
import io.portcullis.auth.token.SigningKeys;
import io.portcullis.auth.token.TokenService;
import io.portcullis.auth.token.TokenSettings;
import io.portcullis.identity.Identity;
import io.portcullis.identity.PersonalAccessToken;
import io.portcullis.identity.TokenScope;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/**
 * The security tests of issue 3, each a real attempt over HTTP against a running server: bad logins,
 * forged, tampered, expired and misdirected tokens, scope escalation, reaching into other namespaces,
 * enumerating private repositories, password guessing, revoked and expired personal access tokens, and
 * robots outside their grants.
 *
 * <p>Login failures are throttled per username and per client address, so each test that fails logins on
 * purpose connects from a loopback address of its own (127.0.0.0/8 all reaches the server).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AccessSecurityContract {
  private static final String SERVICE = "portcullis";
  private static final String GHOST = "acme/ghost";
  private static final String BOB_GHOST = "bob/ghost";
  private static final AccessController GRANT_ALL = (principal, scope) -> scope.actions();
  private static final AtomicInteger NEXT_ADDRESS = new AtomicInteger(10);

  TestRegistry registry;
  AccessWorld world;
  Identity identity;
  SigningKeys keys;
  String manifestDigest;
  String layerDigest;
  /** A blob linked to {@link AccessWorld#PRIVATE} only. */
  String privateOnlyDigest;

  abstract TestRegistry.Backend backend();

  @BeforeAll
  void start() throws Exception {
    registry = TestRegistry.start(backend());
    world = AccessWorld.create(registry);
    identity = registry.identity();
    keys = registry.signingKeys();
    Principal root = new Principal(TestRegistry.ADMIN, Principal.Kind.ADMIN, Set.of(Principal.Flag.BOOTSTRAP));
    for (String user : List.of("victim", "bystander", "timing", "disabled")) {
      identity.users().create(root, user, password(user), null, null, false);
    }
    identity.users().setDisabled(root, "disabled", true);
    RegistryClient admin = registry.admin();
    JsonNode manifest = RegistryClient.JSON.readTree(admin.send("GET", "/v2/" + PRIVATE + "/manifests/" + TAG,
        "repository:" + PRIVATE + ":pull", null, "Accept", "application/vnd.oci.image.manifest.v1+json").body());
    layerDigest = manifest.get("layers").get(0).get("digest").asText();
    manifestDigest = admin.send("HEAD", "/v2/" + PRIVATE + "/manifests/" + TAG, "repository:" + PRIVATE + ":pull", null,
        "Accept", "application/vnd.oci.image.manifest.v1+json").headers().firstValue("Docker-Content-Digest").orElseThrow();
    privateOnlyDigest = admin.uploadBlob(PRIVATE, "only in acme/private".getBytes(StandardCharsets.UTF_8));
    pushReferrer(admin, PRIVATE);
    pushReferrer(admin, BOB_REPO);
  }

  @AfterAll
  void stop() throws Exception {
    if (registry != null) {
      registry.close();
    }
  }

  // ---- logins

  @Test
  void wrongPasswordUnknownUserAndDisabledUserGetTheSameAnswer() throws Exception {
    HttpClient from = clientFromNewAddress();
    List<HttpResponse<String>> answers = List.of(
        tokenRequest(from, "timing", "not-the-password", scope(PUBLIC, "pull")),
        tokenRequest(from, "nobody-by-this-name", "not-the-password", scope(PUBLIC, "pull")),
        tokenRequest(from, "nobody-by-this-name", "pcl_00000000_notatoken", scope(PUBLIC, "pull")),
        tokenRequest(from, "disabled", password("disabled"), scope(PUBLIC, "pull")),
        tokenRequest(from, "acme+nobody", "not-the-secret", scope(PUBLIC, "pull")));
    for (HttpResponse<String> answer : answers) {
      assertThat(answer.statusCode()).isEqualTo(401);
      assertThat(answer.body()).isEqualTo(answers.get(0).body()).doesNotContain("token\"");
      assertThat(answer.headers().allValues("WWW-Authenticate"))
          .isEqualTo(answers.get(0).headers().allValues("WWW-Authenticate"));
    }
  }

  /**
   * Unknown users cost a password hash like known ones. The bound is a factor of three around the known
   * user's median: noise on a shared machine stays well inside it, while skipping the hash (tens of
   * milliseconds against about one) falls far outside.
   */
  @Test
  void unknownUsersTakeAsLongAsWrongPasswords() throws Exception {
    HttpClient from = clientFromNewAddress();
    tokenRequest(from, "nobody-warming-up", "not-the-password");
    List<Long> known = new ArrayList<>();
    List<Long> unknown = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      known.add(timed(() -> tokenRequest(from, "timing", "wrong-password-" + known.size())));
      unknown.add(timed(() -> tokenRequest(from, "nobody-" + unknown.size(), "wrong-password")));
    }
    long knownMedian = median(known);
    long unknownMedian = median(unknown);
    assertThat(unknownMedian).as("median ns, unknown %s vs known %s", unknown, known)
        .isBetween(knownMedian / 3, knownMedian * 3);
  }

  @Test
  void bruteForceIsLockedOutAtItsAddressOnlyNeverForTheOwnerOrTheirTokensAndLoggedOncePerFailure() throws Exception {
    ListAppender<ILoggingEvent> log = captureLoginLog();
    Principal victim = new Principal("victim", Principal.Kind.USER, Set.of());
    String token = identity.tokens().create(victim, "victim", "ci", TokenScope.READ, null).secret();
    try {
      HttpClient attacker = clientFromNewAddress();
      for (int i = 0; i < 10; i++) {
        assertThat(tokenRequest(attacker, "victim", "guess-" + i).statusCode()).as("guess %d", i).isEqualTo(401);
      }
      HttpResponse<String> locked = tokenRequest(attacker, "victim", "guess-10");
      assertLocked(locked);
      assertLocked(tokenRequest(attacker, "victim", password("victim")));
      assertThat(tokenRequest(clientFromNewAddress(), "victim", password("victim")).statusCode())
          .as("the owner logs in from their own address").isEqualTo(200);
      assertThat(tokenRequest(attacker, "victim", token).statusCode())
          .as("password failures never lock a personal access token").isEqualTo(200);
      assertThat(tokenRequest(attacker, "bystander", password("bystander")).statusCode())
          .as("other accounts from the same address still log in").isEqualTo(200);
      List<String> failures = log.list.stream().map(ILoggingEvent::getFormattedMessage)
          .filter(m -> m.contains("'victim'")).toList();
      assertThat(failures).hasSize(10).allSatisfy(m -> assertThat(m).contains("login failed"));

      String forgedLine = "mallory\n00:00:00.000 INFO  [-] TokenEndpoint login succeeded for user 'admin'";
      assertThat(tokenRequest(attacker, forgedLine, "guess").statusCode()).isEqualTo(401);
      assertThat(log.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("mallory")))
          .singleElement().satisfies(m -> assertThat(m).doesNotContain("\n", "\r").contains("mallory\\u000a"));
    } finally {
      ((Logger) LoggerFactory.getLogger(LoginGuard.class)).detachAppender("capture");
    }
  }

  @Test
  void sprayingManyNamesFromOneAddressLocksThatAddress() throws Exception {
    HttpClient sprayer = clientFromNewAddress();
    for (int i = 0; i < 50; i++) {
      assertThat(tokenRequest(sprayer, "spray-" + i, "password-" + i).statusCode()).isEqualTo(401);
    }
    assertLocked(tokenRequest(sprayer, "bystander", password("bystander")));
    assertThat(tokenRequest(clientFromNewAddress(), "bystander", password("bystander")).statusCode()).isEqualTo(200);
  }

  private static void assertLocked(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).isEqualTo(429);
    assertThat(response.headers().firstValue("Retry-After")).hasValueSatisfying(seconds ->
        assertThat(Long.parseLong(seconds)).isBetween(1L, 60L));
    assertThat(RegistryClient.JSON.readTree(response.body()).get("errors").get(0).get("code").asText())
        .isEqualTo("TOOMANYREQUESTS");
    assertThat(response.body()).doesNotContain("\"token\"");
  }

  // ---- tokens

  @Test
  void expiredTokenIsRefused() throws Exception {
    ResourceScope pull = new ResourceScope(ResourceType.REPOSITORY, PRIVATE, Set.of(Action.PULL));
    String fresh = mint(TokenSettings.of(SERVICE, SERVICE), Clock.systemUTC(), AccessWorld.user("reader"), pull);
    assertThat(call("GET", tagsPath(PRIVATE), fresh).statusCode()).as("control: a fresh token works").isEqualTo(200);
    String expired = mint(TokenSettings.of(SERVICE, SERVICE), Clock.offset(Clock.systemUTC(), Duration.ofHours(-1)),
        AccessWorld.user("reader"), pull);
    assertInvalidToken(call("GET", tagsPath(PRIVATE), expired));
    String notYetValid = mint(TokenSettings.of(SERVICE, SERVICE), Clock.offset(Clock.systemUTC(), Duration.ofHours(1)),
        AccessWorld.user("reader"), pull);
    assertInvalidToken(call("GET", tagsPath(PRIVATE), notYetValid));
  }

  @Test
  void tokensForAnotherServiceIssuerOrKeyAreRefused() throws Exception {
    ResourceScope pushPrivate = new ResourceScope(ResourceType.REPOSITORY, PRIVATE, Set.of(Action.PULL, Action.PUSH));
    Principal reader = AccessWorld.user("reader");
    String forOtherService = mint(TokenSettings.of(SERVICE, "other-registry"), Clock.systemUTC(), reader, pushPrivate);
    assertInvalidToken(call("POST", uploadsPath(PRIVATE), forOtherService));
    String fromOtherIssuer = mint(TokenSettings.of("other-issuer", SERVICE), Clock.systemUTC(), reader, pushPrivate);
    assertInvalidToken(call("POST", uploadsPath(PRIVATE), fromOtherIssuer));

    JWTClaimsSet claims = claimsOf(mint(TokenSettings.of(SERVICE, SERVICE), Clock.systemUTC(), reader, pushPrivate));
    ECKey foreignWithOurKeyId = new ECKeyGenerator(Curve.P_256).keyID(keys.currentKeyId()).generate();
    assertInvalidToken(call("POST", uploadsPath(PRIVATE), signEs256(foreignWithOurKeyId, claims)));
    ECKey foreign = new ECKeyGenerator(Curve.P_256).keyIDFromThumbprint(true).generate();
    assertInvalidToken(call("POST", uploadsPath(PRIVATE), signEs256(foreign, claims)));

    HttpResponse<String> otherService = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
        registry.baseUrl() + "/auth/token?service=other-registry&scope=" + encode(scope(PRIVATE, "pull")))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(otherService.statusCode()).isEqualTo(400);
    assertThat(otherService.body()).doesNotContain("\"token\"");
  }

  @Test
  void tamperedTokensAreRefused() throws Exception {
    String genuine = token("reader", password("reader"), scope(PRIVATE, "pull,push"));
    assertThat(grantedActions(genuine, PRIVATE)).containsExactly("pull");
    SignedJWT parsed = SignedJWT.parse(genuine);
    JWTClaimsSet escalated = new JWTClaimsSet.Builder(parsed.getJWTClaimsSet())
        .subject("sysadmin")
        .claim("access", List.of(Map.of("type", "repository", "name", PRIVATE, "actions", List.of("pull", "push"))))
        .build();
    // Control: the same grant signed with the server's own key is honoured.
    String honest = mint(TokenSettings.of(SERVICE, SERVICE), Clock.systemUTC(), AccessWorld.user("sysadmin"),
        new ResourceScope(ResourceType.REPOSITORY, PRIVATE, Set.of(Action.PULL, Action.PUSH)));
    assertThat(call("POST", uploadsPath(PRIVATE), honest).statusCode()).isEqualTo(202);

    Base64URL escalatedPayload = Base64URL.encode(escalated.toString());
    String editedClaims = parsed.getHeader().toBase64URL() + "." + escalatedPayload + "." + parsed.getSignature();
    String unsigned = new PlainJWT(escalated).serialize();
    String noneWithKeyId = Base64URL.encode("{\"alg\":\"none\",\"kid\":\"" + keys.currentKeyId() + "\",\"typ\":\"JWT\"}")
        + "." + escalatedPayload + ".";
    String noneKeepingSignature = Base64URL.encode("{\"alg\":\"none\",\"kid\":\"" + keys.currentKeyId() + "\"}")
        + "." + escalatedPayload + "." + parsed.getSignature();
    String withoutSignature = parsed.getHeader().toBase64URL() + "." + escalatedPayload + ".";
    List<String> forged = new ArrayList<>(List.of(editedClaims, unsigned, noneWithKeyId, noneKeepingSignature,
        withoutSignature));
    forged.addAll(hmacWithPublicKey(escalated));
    for (String token : forged) {
      assertInvalidToken(call("POST", uploadsPath(PRIVATE), token));
      assertInvalidToken(call("GET", "/v2/" + AccessWorld.ALICE_REPO + "/tags/list", token));
    }
  }

  /** HS256 tokens whose MAC key is the server's public key in each form an attacker could fetch. */
  private List<String> hmacWithPublicKey(JWTClaimsSet claims) throws Exception {
    ECKey publicKey = keys.verificationKeys().getKeyByKeyId(keys.currentKeyId()).toECKey();
    assertThat(publicKey.isPrivate()).isFalse();
    byte[] der = publicKey.toECPublicKey().getEncoded();
    String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der) + "\n-----END PUBLIC KEY-----\n";
    List<byte[]> secrets = List.of(der, pem.getBytes(StandardCharsets.US_ASCII),
        publicKey.toJSONString().getBytes(StandardCharsets.UTF_8),
        keys.verificationKeys().toString().getBytes(StandardCharsets.UTF_8));
    List<String> tokens = new ArrayList<>();
    for (byte[] secret : secrets) {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT)
          .keyID(keys.currentKeyId()).build(), claims);
      jwt.sign(new MACSigner(secret));
      tokens.add(jwt.serialize());
    }
    return tokens;
  }

  @Test
  void askingForMoreThanHeldYieldsOnlyWhatIsHeld() throws Exception {
    String reader = token("reader", password("reader"), scope(PRIVATE, "pull,push,delete,*"));
    assertThat(grantedActions(reader, PRIVATE)).containsExactly("pull");
    assertInsufficientScope(call("POST", uploadsPath(PRIVATE), reader));
    assertInsufficientScope(call("DELETE", "/v2/" + PRIVATE + "/manifests/" + manifestDigest, reader));
    assertThat(call("GET", tagsPath(PRIVATE), reader).statusCode()).isEqualTo(200);

    String writerAll = token("writer", password("writer"), scope(PRIVATE, "*"));
    assertThat(grantedActions(writerAll, PRIVATE)).as("read-write does not include *").isEmpty();
    String adminAll = token("repoadmin", password("repoadmin"), scope(PRIVATE, "*"));
    assertThat(grantedActions(adminAll, PRIVATE)).containsExactly("*");

    String withHost = token("reader", password("reader"), "repository:" + registry.host + "/" + PRIVATE + ":pull,push");
    assertThat(grantedActions(withHost, PRIVATE)).containsExactly("pull");
    assertThat(tokenRequest(HttpClient.newHttpClient(), "reader", password("reader"),
        "repository:elsewhere.example:5000/" + PRIVATE + ":pull").statusCode()).isEqualTo(400);
    String registryWide = token("reader", password("reader"), "registry:catalog:*", "registry:other:*");
    assertThat(access(registryWide)).hasSize(1);
    assertThat(access(registryWide).get(0).get("name").asText()).isEqualTo("catalog");
  }

  @Test
  void usersCannotReachIntoOtherNamespaces() throws Exception {
    for (String repository : List.of(BOB_REPO, "bob/new", "bob/nested/deep", "alpine", PRIVATE)) {
      String alice = token("alice", password("alice"), scope(repository, "pull,push,delete"));
      assertThat(grantedActions(alice, repository)).as("alice on %s", repository).isEmpty();
      assertInsufficientScope(call("POST", uploadsPath(repository), alice));
    }
    String orgAdmin = token("orgadmin", password("orgadmin"), scope(AccessWorld.ALICE_REPO, "pull,push"));
    assertThat(grantedActions(orgAdmin, AccessWorld.ALICE_REPO)).as("an org admin outside the org").isEmpty();
    String ownNew = token("alice", password("alice"), scope("alice/new", "pull,push"));
    assertThat(call("POST", uploadsPath("alice/new"), ownNew).statusCode()).as("control: her own namespace").isEqualTo(202);
    assertThat(catalog(registry.admin())).doesNotContain("bob/new", "bob/nested/deep", "alpine");
  }

  @Test
  void privateRepositoriesLookExactlyLikeAbsentOnesToThoseWithoutAccess() throws Exception {
    List<String> probes = List.of("GET " + "tags/list", "HEAD manifests/" + TAG, "GET manifests/" + TAG,
        "HEAD manifests/" + manifestDigest, "GET manifests/" + manifestDigest, "HEAD blobs/" + layerDigest,
        "GET blobs/" + layerDigest, "GET referrers/" + manifestDigest, "POST blobs/uploads/",
        "DELETE manifests/" + manifestDigest, "DELETE blobs/" + layerDigest);
    record Who(String label, String user, String password) {}
    Who anonymous = new Who("anonymous", null, null);
    Who stranger = new Who("stranger", "stranger", password("stranger"));
    Who alice = new Who("alice", "alice", password("alice"));
    Who robot = new Who("robot", ROBOT, world.robotSecret);
    Map<String, List<Who>> outsidersOf = Map.of(PRIVATE, List.of(anonymous, stranger, alice),
        BOB_REPO, List.of(anonymous, stranger, alice, robot));
    Map<String, String> absentTwin = Map.of(PRIVATE, GHOST, BOB_REPO, BOB_GHOST);
    for (String repository : List.of(PRIVATE, BOB_REPO)) {
      String twin = absentTwin.get(repository);
      for (Who who : outsidersOf.get(repository)) {
        String existing = who.user() == null ? null : token(who.user(), who.password(), scope(repository, "pull,push,delete"));
        String absent = who.user() == null ? null : token(who.user(), who.password(), scope(twin, "pull,push,delete"));
        if (existing != null) {
          assertThat(access(existing)).as("%s's token for %s", who.label(), repository).isEmpty();
          assertThat(access(absent)).isEmpty();
        }
        for (String probe : probes) {
          String[] methodAndPath = probe.split(" ");
          String path = "/v2/%s/" + methodAndPath[1];
          assertThat(answer(methodAndPath[0], path.formatted(repository), existing, repository))
              .as("%s: %s on %s vs %s", who.label(), probe, repository, twin)
              .isEqualTo(answer(methodAndPath[0], path.formatted(twin), absent, twin));
        }
      }
    }
    // Control: to those who may pull, the two differ, so the comparison above could fail.
    String orgAdminExisting = token("orgadmin", password("orgadmin"), scope(PRIVATE, "pull"));
    String orgAdminAbsent = token("orgadmin", password("orgadmin"), scope(GHOST, "pull"));
    assertThat(call("GET", "/v2/" + PRIVATE + "/referrers/" + manifestDigest, orgAdminExisting).statusCode()).isEqualTo(200);
    assertThat(answer("GET", tagsPath(PRIVATE), orgAdminExisting, PRIVATE))
        .isNotEqualTo(answer("GET", tagsPath(GHOST), orgAdminAbsent, GHOST));

    for (Who who : List.of(stranger, alice, robot)) {
      List<String> seen = catalog(new RegistryClient(registry.baseUrl(), who.user(), who.password()));
      assertThat(seen).as("%s's catalog", who.label()).contains(PUBLIC).doesNotContain(BOB_REPO);
      assertThat(seen.contains(PRIVATE)).as("%s sees %s", who.label(), PRIVATE).isEqualTo(who == robot);
    }
  }

  @Test
  void blobsCannotBeMountedFromRepositoriesTheCallerMayNotPull() throws Exception {
    String scopes = scope("alice/mounted", "pull,push");
    String fromPrivate = token("alice", password("alice"), scopes, scope(PRIVATE, "pull"));
    HttpResponse<byte[]> mounted = call("POST", uploadsPath("alice/mounted") + "?mount=" + layerDigest + "&from=" + PRIVATE,
        fromPrivate);
    HttpResponse<byte[]> fromAbsent = call("POST", uploadsPath("alice/mounted") + "?mount=" + layerDigest + "&from=" + GHOST,
        token("alice", password("alice"), scopes, scope(GHOST, "pull")));
    assertThat(mounted.statusCode()).as("a new upload instead of a mount").isEqualTo(202).isEqualTo(fromAbsent.statusCode());
    String aliceMounted = token("alice", password("alice"), scopes);
    assertThat(call("HEAD", "/v2/alice/mounted/blobs/" + layerDigest, aliceMounted).statusCode()).isEqualTo(404);
    String orgAdmin = token("orgadmin", password("orgadmin"), scope("acme/mounted", "pull,push"), scope(PRIVATE, "pull"));
    assertThat(call("POST", uploadsPath("acme/mounted") + "?mount=" + layerDigest + "&from=" + PRIVATE, orgAdmin)
        .statusCode()).as("control: who may pull mounts").isEqualTo(201);
  }

  @Test
  void blobsAndUploadsOfOtherRepositoriesCannotBeBorrowed() throws Exception {
    String alice = token("alice", password("alice"), scope(AccessWorld.ALICE_REPO, "pull,push,delete"));
    String absentDigest = RegistryClient.sha256("never uploaded".getBytes(StandardCharsets.UTF_8));
    for (String method : List.of("HEAD", "GET")) {
      String path = "/v2/" + AccessWorld.ALICE_REPO + "/blobs/";
      assertThat(answer(method, path + privateOnlyDigest, alice, privateOnlyDigest))
          .as("%s of a blob that lives in another repository", method)
          .isEqualTo(answer(method, path + absentDigest, alice, absentDigest))
          .first().isEqualTo("404");
    }
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    String configDigest = RegistryClient.sha256(config);
    RegistryClient aliceClient = new RegistryClient(registry.baseUrl(), "alice", password("alice"));
    aliceClient.uploadBlob(AccessWorld.ALICE_REPO, config);
    byte[] borrowing = RegistryClient.manifest(configDigest, config.length, privateOnlyDigest, 20);
    HttpResponse<byte[]> put = aliceClient.send("PUT", "/v2/" + AccessWorld.ALICE_REPO + "/manifests/borrowed",
        RegistryClient.push(AccessWorld.ALICE_REPO), borrowing, "Content-Type", "application/vnd.oci.image.manifest.v1+json");
    assertThat(put.statusCode()).as("a manifest naming another repository's blob").isEqualTo(400);
    assertThat(RegistryClient.errorCode(put)).isEqualTo("MANIFEST_BLOB_UNKNOWN");

    HttpResponse<byte[]> started = call("POST", uploadsPath(PRIVATE),
        token("orgadmin", password("orgadmin"), scope(PRIVATE, "pull,push")));
    String uploadPath = started.headers().firstValue("Location").orElseThrow();
    String id = uploadPath.substring(uploadPath.lastIndexOf('/') + 1);
    for (String method : List.of("GET", "PATCH", "PUT", "DELETE")) {
      String suffix = method.equals("PUT") ? (id.contains("?") ? "&" : "?") + "digest=" + absentDigest : "";
      HttpResponse<byte[]> hijack = call(method, uploadsPath(AccessWorld.ALICE_REPO) + id + suffix, alice);
      assertThat(hijack.statusCode()).as("%s on another repository's upload", method).isEqualTo(404);
      assertThat(RegistryClient.errorCode(hijack)).isEqualTo("BLOB_UPLOAD_UNKNOWN");
    }
  }

  @Test
  void catalogPagesNeverRevealHiddenRepositories() throws Exception {
    RegistryClient stranger = new RegistryClient(registry.baseUrl(), "stranger", password("stranger"));
    List<String> whole = catalog(stranger);
    List<String> paged = new ArrayList<>();
    String next = "/v2/_catalog?n=1";
    while (next != null) {
      HttpResponse<byte[]> page = stranger.send("GET", next, "registry:catalog:*", null);
      assertThat(page.statusCode()).isEqualTo(200);
      RegistryClient.json(page).get("repositories").forEach(r -> paged.add(r.asText()));
      String link = page.headers().firstValue("Link").orElse(null);
      assertThat(link == null ? "" : link).doesNotContain(encode(PRIVATE), encode(BOB_REPO), PRIVATE, BOB_REPO);
      next = link == null ? null : link.substring(link.indexOf('<') + 1, link.indexOf('>'));
    }
    assertThat(paged).isEqualTo(whole).contains(PUBLIC).doesNotContain(PRIVATE, BOB_REPO, AccessWorld.ALICE_REPO);
  }

  // ---- personal access tokens and robots

  @Test
  void revokedExpiredForeignAndReadOnlyPersonalAccessTokens() throws Exception {
    Principal writer = AccessWorld.user("writer");
    var revoked = identity.tokens().create(writer, "writer", "to-revoke", TokenScope.READ_WRITE, null);
    assertThat(grantedActions(token("writer", revoked.secret(), scope(PRIVATE, "pull,push")), PRIVATE))
        .containsExactly("pull", "push");
    identity.tokens().revoke(writer, "writer", revoked.account().id());
    assertThat(tokenRequest(HttpClient.newHttpClient(), "writer", revoked.secret(), scope(PRIVATE, "pull")).statusCode())
        .isEqualTo(401);

    Instant expiry = Instant.now().plus(Duration.ofMinutes(1));
    var expiring = identity.tokens().create(writer, "writer", "short-lived", TokenScope.READ_WRITE, expiry);
    assertThat(tokenRequest(HttpClient.newHttpClient(), "writer", expiring.secret(), scope(PRIVATE, "pull")).statusCode())
        .isEqualTo(200);
    registry.advanceClock(Duration.ofMinutes(2));
    assertThat(tokenRequest(HttpClient.newHttpClient(), "writer", expiring.secret(), scope(PRIVATE, "pull")).statusCode())
        .isEqualTo(401);

    assertThat(tokenRequest(HttpClient.newHttpClient(), "reader", world.writerReadWriteToken, scope(PRIVATE, "pull"))
        .statusCode()).as("another user's token").isEqualTo(401);
    String altered = world.writerReadWriteToken.substring(0, world.writerReadWriteToken.length() - 1)
        + (world.writerReadWriteToken.endsWith("A") ? "B" : "A");
    assertThat(tokenRequest(HttpClient.newHttpClient(), "writer", altered, scope(PRIVATE, "pull")).statusCode())
        .isEqualTo(401);

    String readOnly = token("writer", world.writerReadToken, scope(PRIVATE, "pull,push,delete"));
    assertThat(grantedActions(readOnly, PRIVATE)).containsExactly("pull");
    assertInsufficientScope(call("POST", uploadsPath(PRIVATE), readOnly));
    PersonalAccessToken listed = identity.tokens().list(writer, "writer").stream()
        .filter(t -> t.id().equals(revoked.account().id())).findFirst().orElseThrow();
    assertThat(listed.revokedAt()).isNotNull();
  }

  @Test
  void robotHoldsOnlyItsGrants() throws Exception {
    String robot = token(ROBOT, world.robotSecret, scope(PRIVATE, "pull,push,delete,*"), scope(PUBLIC, "pull,push"),
        scope("acme/other", "pull,push"), scope(AccessWorld.ALICE_REPO, "pull"), scope(BOB_REPO, "pull"),
        "registry:catalog:*");
    assertThat(grantedActions(robot, PRIVATE)).containsExactly("pull", "push");
    assertThat(grantedActions(robot, PUBLIC)).containsExactly("pull");
    assertThat(grantedActions(robot, "acme/other")).isEmpty();
    assertThat(grantedActions(robot, AccessWorld.ALICE_REPO)).isEmpty();
    assertThat(grantedActions(robot, BOB_REPO)).isEmpty();
    assertThat(call("POST", uploadsPath(PRIVATE), robot).statusCode()).as("control: its grant").isEqualTo(202);
    assertInsufficientScope(call("POST", uploadsPath(PUBLIC), robot));
    assertInsufficientScope(call("POST", uploadsPath("acme/other"), robot));
    assertInsufficientScope(call("DELETE", "/v2/" + PRIVATE + "/manifests/" + manifestDigest, robot));
    assertInsufficientScope(call("GET", tagsPath(AccessWorld.ALICE_REPO), robot));

    HttpClient from = clientFromNewAddress();
    assertThat(tokenRequest(from, "acme+other", world.robotSecret).statusCode()).as("secret under another name").isEqualTo(401);
    assertThat(tokenRequest(from, "orgadmin", world.robotSecret).statusCode()).as("secret as a user's password").isEqualTo(401);
    Principal orgAdmin = AccessWorld.user("orgadmin");
    String retired = identity.robots().create(orgAdmin, "acme", "retired", null, null).secret();
    identity.robots().setGrant(orgAdmin, "acme+retired", PRIVATE, Set.of(Action.PULL));
    assertThat(grantedActions(token("acme+retired", retired, scope(PRIVATE, "pull")), PRIVATE)).containsExactly("pull");
    identity.robots().setDisabled(orgAdmin, "acme+retired", true);
    assertThat(tokenRequest(from, "acme+retired", retired).statusCode()).isEqualTo(401);
  }

  // ---- helpers

  /** Status, error code and challenge of a response, with the repository name masked for comparison. */
  private List<String> answer(String method, String path, String bearer, String repository) throws Exception {
    HttpResponse<byte[]> response = call(method, path, bearer);
    String code = response.statusCode() < 400 || response.body().length == 0 ? "" : RegistryClient.errorCode(response);
    String challenge = response.headers().firstValue("WWW-Authenticate").orElse("").replace(repository, "<name>");
    return List.of(Integer.toString(response.statusCode()), code, challenge);
  }

  private HttpClient clientFromNewAddress() throws Exception {
    int n = NEXT_ADDRESS.getAndIncrement();
    return HttpClient.newBuilder().localAddress(InetAddress.getByName("127.0.0." + n)).build();
  }

  private HttpResponse<String> tokenRequest(HttpClient client, String user, String password, String... scopes)
      throws Exception {
    StringBuilder url = new StringBuilder(registry.baseUrl()).append("/auth/token?service=").append(SERVICE);
    for (String scope : scopes) {
      url.append("&scope=").append(encode(scope));
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url.toString()));
    if (user != null) {
      request.header("Authorization", "Basic " + Base64.getEncoder()
          .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A registry token from the token endpoint for a login that must succeed. */
  private String token(String user, String password, String... scopes) throws Exception {
    HttpResponse<String> response = tokenRequest(HttpClient.newHttpClient(), user, password, scopes);
    assertThat(response.statusCode()).as("token for %s: %s", user, response.body()).isEqualTo(200);
    return RegistryClient.JSON.readTree(response.body()).get("token").asText();
  }

  private HttpResponse<byte[]> call(String method, String path, String bearer) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(registry.baseUrl() + path))
        .method(method, HttpRequest.BodyPublishers.noBody())
        .header("Accept", "application/vnd.oci.image.manifest.v1+json");
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static void assertInvalidToken(HttpResponse<byte[]> response) throws Exception {
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(RegistryClient.errorCode(response)).isEqualTo("UNAUTHORIZED");
    assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(h ->
        assertThat(h).contains("error=\"invalid_token\""));
  }

  private static void assertInsufficientScope(HttpResponse<byte[]> response) throws Exception {
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(RegistryClient.errorCode(response)).isEqualTo("UNAUTHORIZED");
    assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(h ->
        assertThat(h).contains("error=\"insufficient_scope\""));
  }

  /** A token signed by the server's own key, as the server would issue it under other settings or at another time. */
  private String mint(TokenSettings settings, Clock clock, Principal principal, ResourceScope scope) {
    return new TokenService(settings, keys, GRANT_ALL, credential -> true, clock).issue(principal, List.of(scope)).token();
  }

  private static String signEs256(ECKey key, JWTClaimsSet claims) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT)
        .keyID(key.getKeyID()).build(), claims);
    jwt.sign(new ECDSASigner(key));
    return jwt.serialize();
  }

  private static JWTClaimsSet claimsOf(String token) throws Exception {
    return SignedJWT.parse(token).getJWTClaimsSet();
  }

  private static List<JsonNode> access(String token) throws Exception {
    JsonNode claims = RegistryClient.JSON.readTree(SignedJWT.parse(token).getPayload().toString());
    List<JsonNode> entries = new ArrayList<>();
    claims.get("access").forEach(entries::add);
    return entries;
  }

  private static List<String> grantedActions(String token, String repository) throws Exception {
    List<String> actions = new ArrayList<>();
    for (JsonNode entry : access(token)) {
      if (entry.get("type").asText().equals("repository") && entry.get("name").asText().equals(repository)) {
        entry.get("actions").forEach(a -> actions.add(a.asText()));
      }
    }
    return actions;
  }

  private static List<String> catalog(RegistryClient client) throws Exception {
    HttpResponse<byte[]> response = client.send("GET", "/v2/_catalog", "registry:catalog:*", null);
    assertThat(response.statusCode()).isEqualTo(200);
    List<String> repositories = new ArrayList<>();
    RegistryClient.json(response).get("repositories").forEach(r -> repositories.add(r.asText()));
    return repositories;
  }

  private static String scope(String repository, String actions) {
    return "repository:" + repository + ":" + actions;
  }

  private static String tagsPath(String repository) {
    return "/v2/" + repository + "/tags/list";
  }

  private static String uploadsPath(String repository) {
    return "/v2/" + repository + "/blobs/uploads/";
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static ListAppender<ILoggingEvent> captureLoginLog() {
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.setName("capture");
    appender.start();
    ((Logger) LoggerFactory.getLogger(LoginGuard.class)).addAppender(appender);
    return appender;
  }

  private interface Attempt {
    Object run() throws Exception;
  }

  private static long timed(Attempt attempt) throws Exception {
    long start = System.nanoTime();
    attempt.run();
    return System.nanoTime() - start;
  }

  private static long median(List<Long> values) {
    long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
    return sorted[sorted.length / 2];
  }

  /** Pushes an artifact whose subject is the repository's {@link AccessWorld#TAG} image, so referrers are not empty. */
  private void pushReferrer(RegistryClient admin, String repository) throws Exception {
    byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
    String emptyDigest = admin.uploadBlob(repository, empty);
    String artifact = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        + "\"artifactType\":\"application/vnd.example.signature\",\"config\":{\"mediaType\":"
        + "\"application/vnd.oci.empty.v1+json\",\"digest\":\"" + emptyDigest + "\",\"size\":2},\"layers\":[{"
        + "\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\"" + emptyDigest + "\",\"size\":2}],"
        + "\"subject\":{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + manifestDigest
        + "\",\"size\":" + manifestSize(admin, repository) + "}}";
    byte[] bytes = artifact.getBytes(StandardCharsets.UTF_8);
    HttpResponse<byte[]> pushed = admin.send("PUT", "/v2/" + repository + "/manifests/" + RegistryClient.sha256(bytes),
        RegistryClient.push(repository), bytes, "Content-Type", "application/vnd.oci.image.manifest.v1+json");
    assertThat(pushed.statusCode()).as(new String(pushed.body(), StandardCharsets.UTF_8)).isEqualTo(201);
  }

  private long manifestSize(RegistryClient admin, String repository) throws Exception {
    return admin.send("GET", "/v2/" + repository + "/manifests/" + manifestDigest, "repository:" + repository + ":pull",
        null, "Accept", "application/vnd.oci.image.manifest.v1+json").body().length;
  }
}
