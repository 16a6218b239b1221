package io.portcullis.mirror.upstream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.portcullis.shared.Digest;
import io.portcullis.shared.IpNetwork;
import io.portcullis.shared.MediaTypes;
import io.portcullis.shared.NetworkPolicy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The client against a small real HTTP server that behaves like a token-auth registry. */
class UpstreamClientTest {
  private static final byte[] MANIFEST = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\"}")
      .getBytes(StandardCharsets.UTF_8);
  private static final byte[] BLOB = "0123456789".getBytes(StandardCharsets.UTF_8);

  private HttpServer server;
  private final List<String> log = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger tokensIssued = new AtomicInteger();
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private volatile boolean corrupt;
  private volatile boolean basicAuth;
  private volatile String retryAfter = "0";
  private volatile int failureStatus = 503;
  private final AtomicInteger spentBudgets = new AtomicInteger();
  private volatile String realmHost = "127.0.0.1";
  private volatile String blobRedirect;
  /** The tag list fits one page, with a validator. */
  private volatile boolean onePage;
  private NetworkPolicy policy = new NetworkPolicy("mirror.allowed-networks", IpNetwork.parseList("127.0.0.1/32"));
  private final UpstreamSettings settings = new UpstreamSettings(null, null, Duration.ofSeconds(2),
      Duration.ofSeconds(5), 3, Duration.ofMillis(10), Duration.ofMillis(200));

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/token", ex -> {
      log.add("token " + ex.getRequestURI().getQuery() + " " + ex.getRequestHeaders().getFirst("Authorization"));
      tokensIssued.incrementAndGet();
      send(ex, 200, "{\"token\":\"t1\",\"expires_in\":300}".getBytes(StandardCharsets.UTF_8), "application/json");
    });
    server.createContext("/v2/", ex -> {
      log.add(ex.getRequestMethod() + " " + ex.getRequestURI());
      String authorization = ex.getRequestHeaders().getFirst("Authorization");
      if (basicAuth && !("Basic " + java.util.Base64.getEncoder().encodeToString(
          "me:secret".getBytes(StandardCharsets.UTF_8))).equals(authorization)) {
        ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"registry\"");
        send(ex, 401, new byte[0], "application/json");
        return;
      }
      if (!basicAuth && !"Bearer t1".equals(authorization)) {
        ex.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"http://" + realmHost + ":" + port()
            + "/token\",service=\"test\",scope=\"repository:library/alpine:pull\"");
        send(ex, 401, new byte[0], "application/json");
        return;
      }
      if (failuresLeft.getAndDecrement() > 0) {
        ex.getResponseHeaders().add("Retry-After", retryAfter);
        send(ex, failureStatus, new byte[0], "text/plain");
        return;
      }
      String path = ex.getRequestURI().getPath();
      ex.getResponseHeaders().add("RateLimit-Limit", "100;w=60");
      if (spentBudgets.getAndDecrement() > 0) {
        ex.getResponseHeaders().add("RateLimit-Remaining", "0;w=60");
        ex.getResponseHeaders().add("RateLimit-Reset", "30");
      } else {
        ex.getResponseHeaders().add("RateLimit-Remaining", "42;w=60");
      }
      if (path.endsWith("/tags/list")) {
        String query = ex.getRequestURI().getQuery();
        if (onePage) {
          ex.getResponseHeaders().add("ETag", "\"v1\"");
          boolean unchanged = "\"v1\"".equals(ex.getRequestHeaders().getFirst("If-None-Match"));
          log.add("tags " + (unchanged ? "304" : "200"));
          send(ex, unchanged ? 304 : 200, unchanged ? null : "{\"tags\":[\"a\",\"b\",\"c\"]}".getBytes(StandardCharsets.UTF_8),
              "application/json");
        } else if (query.contains("last=b")) {
          send(ex, 200, "{\"tags\":[\"c\"]}".getBytes(StandardCharsets.UTF_8), "application/json");
        } else {
          ex.getResponseHeaders().add("Link", "</v2/library/alpine/tags/list?n=1000&last=b>; rel=\"next\"");
          send(ex, 200, "{\"tags\":[\"a\",\"b\"]}".getBytes(StandardCharsets.UTF_8), "application/json");
        }
      } else if (path.contains("/manifests/")) {
        byte[] body = MANIFEST.clone();
        ex.getResponseHeaders().add("Docker-Content-Digest", Digest.sha256(MANIFEST).toString());
        if (corrupt) {
          body[body.length - 2] ^= 1;
        }
        send(ex, 200, ex.getRequestMethod().equals("HEAD") ? null : body, MediaTypes.OCI_MANIFEST);
      } else if (path.contains("/blobs/") && blobRedirect != null) {
        ex.getResponseHeaders().add("Location", blobRedirect);
        send(ex, 307, new byte[0], "text/plain");
      } else if (path.contains("/blobs/")) {
        String range = ex.getRequestHeaders().getFirst("Range");
        if (range != null) {
          int from = Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
          ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-9/10");
          send(ex, 206, java.util.Arrays.copyOfRange(BLOB, from, BLOB.length), "application/octet-stream");
        } else {
          send(ex, 200, BLOB, "application/octet-stream");
        }
      } else {
        send(ex, 404, new byte[0], "application/json");
      }
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private int port() {
    return server.getAddress().getPort();
  }

  private UpstreamClient client(UpstreamClient.Credentials credentials) {
    return client(credentials, null);
  }

  private UpstreamClient client(UpstreamClient.Credentials credentials, UpstreamClient.Pause pause) {
    return new UpstreamConnector(settings, policy, Clock.systemUTC())
        .connect(Upstream.of("http://127.0.0.1:" + port(), "library/alpine"), credentials, pause);
  }

  @Test
  void anUpstreamOutsideTheAllowlistIsRefusedBeforeAnythingIsSent() {
    policy = new NetworkPolicy("mirror.allowed-networks", List.of());
    assertThatThrownBy(() -> client(null).tags(null)).isInstanceOf(UpstreamException.class)
        .hasMessage("GET http://127.0.0.1:" + port() + "/v2/library/alpine/tags/list?n=1000 refused: 127.0.0.1, "
            + "a loopback address outside mirror.allowed-networks");
    assertThat(log).isEmpty();
  }

  @Test
  void aTokenRealmOutsideTheAllowlistIsRefused() {
    realmHost = "127.0.0.2";
    assertThatThrownBy(() -> client(null).tags(null)).isInstanceOf(UpstreamException.class)
        .hasMessageStartingWith("GET http://127.0.0.2:" + port() + "/token?")
        .hasMessageEndingWith(" refused: 127.0.0.2, a loopback address outside mirror.allowed-networks");
    assertThat(tokensIssued).hasValue(0);
  }

  @Test
  void aRedirectOutsideTheAllowlistIsRefused() {
    blobRedirect = "http://169.254.169.254/latest/meta-data/";
    assertThatThrownBy(() -> client(null).blob(Digest.sha256(BLOB), 0)).isInstanceOf(UpstreamException.class)
        .hasMessage("GET http://169.254.169.254/latest/meta-data/ refused: 169.254.169.254, a metadata address "
            + "outside mirror.allowed-networks");
  }

  @Test
  void aNameIsCheckedByEveryAddressItResolvesTo() {
    policy = new NetworkPolicy("mirror.allowed-networks", IpNetwork.parseList("127.0.0.1/32"), host -> new java.net.InetAddress[] {
        java.net.InetAddress.getByName("127.0.0.1"), java.net.InetAddress.getByName("10.0.0.7")});
    assertThatThrownBy(() -> new UpstreamConnector(settings, policy, Clock.systemUTC())
        .connect(Upstream.of("http://upstream.example:" + port(), "library/alpine"), null, null).tags(null))
        .hasMessageEndingWith(" refused: upstream.example resolves to 10.0.0.7, a private address outside "
            + "mirror.allowed-networks");
    assertThat(log).isEmpty();
  }

  @Test
  void a429WithALongRetryAfterIsASpentBudget() {
    List<Instant> pauses = new ArrayList<>();
    UpstreamClient paused = client(null, (until, why) -> pauses.add(until));
    paused.tags(null);
    failureStatus = 429;
    retryAfter = "60";
    failuresLeft.set(1);
    Instant before = Instant.now();
    assertThat(paused.tags(null).tags()).as("sent again after the pause").hasSize(3);
    assertThat(pauses).singleElement().satisfies(until -> assertThat(until).isAfter(before.plusSeconds(59)));

    UpstreamClient failing = client(null);
    failing.tags(null);
    failuresLeft.set(1);
    assertThatThrownBy(() -> failing.tags(null)).isInstanceOfSatisfying(UpstreamException.RateLimited.class,
        e -> assertThat(e.until()).isAfter(before.plusSeconds(59))).hasMessageContaining("429");
  }

  @Test
  void aBudgetAnnouncedSpentPausesTheNextGetButNotAHead() {
    List<String> pauses = new ArrayList<>();
    UpstreamClient client = client(null, (until, why) -> pauses.add(why));
    client.tags(null);
    spentBudgets.set(2);
    client.head("a");
    assertThat(client.budget().orElseThrow().spent()).isTrue();
    client.head("a");
    assertThat(pauses).as("HEADs do not count against the budget").isEmpty();
    client.manifest("a");
    assertThat(pauses).singleElement().satisfies(why -> assertThat(why).contains("announced no requests left"));
    assertThat(client.budget().orElseThrow().remaining()).isEqualTo(42);
  }

  @Test
  void answersTheChallengeOnceAndReusesTheTokenForTheScope() {
    UpstreamClient client = client(new UpstreamClient.Credentials("me", "secret"));
    assertThat(client.tags(null).tags()).containsExactly("a", "b", "c");
    assertThat(client.head("a").orElseThrow().digest()).contains(Digest.sha256(MANIFEST));
    assertThat(tokensIssued).hasValue(1);
    String token = log.stream().filter(l -> l.startsWith("token")).findFirst().orElseThrow();
    assertThat(token).contains("service=test").contains("scope=repository:library/alpine:pull")
        .contains("Basic " + java.util.Base64.getEncoder().encodeToString("me:secret".getBytes(StandardCharsets.UTF_8)));
    assertThat(client.budget().orElseThrow().remaining()).isEqualTo(42);
    assertThat(client.budget().orElseThrow().window()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void basicRegistriesGetTheCredentialsOnEveryRequestAfterTheFirstChallenge() {
    basicAuth = true;
    UpstreamClient client = client(new UpstreamClient.Credentials("me", "secret"));
    assertThat(client.tags(null).tags()).hasSize(3);
    long afterFirst = client.requests();
    client.head("a");
    assertThat(client.requests()).as("no second challenge").isEqualTo(afterFirst + 1);
    assertThat(tokensIssued).hasValue(0);
    assertThatThrownBy(() -> client(null).tags(null)).hasMessageContaining("requires credentials (Basic)");
    assertThatThrownBy(() -> client(new UpstreamClient.Credentials("me", "wrong")).tags(null))
        .isInstanceOf(UpstreamException.class).hasMessageContaining("as me").hasMessageContaining("401");
  }

  @Test
  void anUnchangedOnePageListingIsAskedForConditionallyAndReused() {
    onePage = true;
    UpstreamClient client = client(null);
    UpstreamClient.TagList first = client.tags(null);
    assertThat(first.tags()).containsExactly("a", "b", "c");
    assertThat(first.etag()).isEqualTo("\"v1\"");
    assertThat(client.tags(first)).isSameAs(first);
    assertThat(log.stream().filter(l -> l.startsWith("tags "))).containsExactly("tags 200", "tags 304");
    UpstreamClient.TagList stale = new UpstreamClient.TagList(List.of("a"), "\"v0\"");
    assertThat(client.tags(stale).tags()).as("a changed listing is read anew").containsExactly("a", "b", "c");
  }

  @Test
  void aListingOfSeveralPagesHasNoValidator() {
    UpstreamClient.TagList listing = client(null).tags(null);
    assertThat(listing.tags()).containsExactly("a", "b", "c");
    assertThat(listing.etag()).isNull();
  }

  @Test
  void anonymousTokensCarryNoCredentials() {
    client(null).tags(null);
    assertThat(log.stream().filter(l -> l.startsWith("token")).findFirst().orElseThrow()).endsWith(" null");
  }

  @Test
  void manifestsComeByteForByteAndCorruptOnesAreRefused() {
    UpstreamClient client = client(null);
    UpstreamClient.Manifest manifest = client.manifest("a").orElseThrow();
    assertThat(manifest.payload()).isEqualTo(MANIFEST);
    assertThat(manifest.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(manifest.digest()).isEqualTo(Digest.sha256(MANIFEST));
    corrupt = true;
    assertThatThrownBy(() -> client.manifest("a")).isInstanceOf(UpstreamException.Corrupt.class)
        .hasMessageContaining("not " + Digest.sha256(MANIFEST));
  }

  @Test
  void serverErrorsAreRetriedWithinTheAttempts() {
    UpstreamClient client = client(null);
    client.tags(null);
    failuresLeft.set(2);
    assertThat(client.tags(null).tags()).hasSize(3);
    failuresLeft.set(5);
    assertThatThrownBy(() -> client.tags(null)).isInstanceOf(UpstreamException.class).hasMessageContaining("503 3 times");
  }

  @Test
  void aRetryAfterLongerThanTheBackoffLimitIsASpentBudgetWithoutAPause() {
    UpstreamClient client = client(null);
    client.tags(null);
    failuresLeft.set(1);
    retryAfter = "3600";
    // A 503 with a long Retry-After is waited for at most the backoff limit; only 429 is a budget.
    assertThat(client.tags(null).tags()).hasSize(3);
  }

  @Test
  void blobsResumeFromAnOffset() throws IOException {
    UpstreamClient client = client(null);
    Digest digest = Digest.sha256(BLOB);
    try (UpstreamClient.BlobBody body = client.blob(digest, 0)) {
      assertThat(body.stream().readAllBytes()).isEqualTo(BLOB);
    }
    try (UpstreamClient.BlobBody body = client.blob(digest, 4)) {
      assertThat(body.offset()).isEqualTo(4);
      assertThat(body.stream().readAllBytes()).isEqualTo("456789".getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void backoffGrowsAndIsCapped() {
    UpstreamClient client = client(null);
    assertThat(client.backoff(1)).isBetween(Duration.ofMillis(5), Duration.ofMillis(10));
    assertThat(client.backoff(3)).isBetween(Duration.ofMillis(20), Duration.ofMillis(40));
    assertThat(client.backoff(30)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
    assertThat(UpstreamClient.retryAfter("1", Instant.EPOCH)).contains(Instant.ofEpochSecond(1));
  }

  private static void send(HttpExchange ex, int status, byte[] body, String type) throws IOException {
    ex.getResponseHeaders().add("Content-Type", type);
    if (body == null) {
      ex.getResponseHeaders().add("Content-Length", String.valueOf(MANIFEST.length));
      ex.sendResponseHeaders(status, -1);
    } else {
      ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
      ex.getResponseBody().write(body);
    }
    ex.close();
  }
}
