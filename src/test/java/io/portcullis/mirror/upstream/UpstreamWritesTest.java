package io.portcullis.mirror.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.portcullis.shared.Digest;
import io.portcullis.shared.IpNetwork;
import io.portcullis.shared.MediaTypes;
import io.portcullis.shared.NetworkPolicy;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The writes of push mirrors and the catalog of namespace mirrors, against a small real HTTP server
 * that keeps blobs as a token-auth registry does: it checks the digest of every upload itself.
 */
class UpstreamWritesTest {
  private static final byte[] BLOB = "layer bytes".getBytes(StandardCharsets.UTF_8);
  private static final byte[] MANIFEST = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\"}")
      .getBytes(StandardCharsets.UTF_8);

  private HttpServer server;
  private final List<String> log = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
  private final AtomicInteger uploadFailuresLeft = new AtomicInteger();
  private volatile String answeredDigest;
  private final UpstreamSettings settings = new UpstreamSettings(null, null, Duration.ofSeconds(2),
      Duration.ofSeconds(5), 3, Duration.ofMillis(10), Duration.ofMillis(200));

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/token", ex -> {
      log.add("token " + ex.getRequestURI().getQuery());
      send(ex, 200, "{\"token\":\"t1\"}".getBytes(StandardCharsets.UTF_8), Map.of());
    });
    server.createContext("/v2/", ex -> {
      String path = ex.getRequestURI().getPath();
      String query = ex.getRequestURI().getRawQuery();
      log.add(ex.getRequestMethod() + " " + path + (query == null ? "" : "?" + query));
      if (!"Bearer t1".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
        ex.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"http://127.0.0.1:" + port() + "/token\","
            + "service=\"test\"");
        send(ex, 401, new byte[0], Map.of());
        return;
      }
      byte[] body = ex.getRequestBody().readAllBytes();
      if (path.equals("/v2/_catalog")) {
        if (query.contains("last=")) {
          send(ex, 200, "{\"repositories\":[\"acme/two\",\"acmex/three\"]}".getBytes(StandardCharsets.UTF_8), Map.of());
        } else {
          send(ex, 200, "{\"repositories\":[\"acme/one\",\"other/x\"]}".getBytes(StandardCharsets.UTF_8),
              Map.of("Link", "</v2/_catalog?n=1000&last=other/x>; rel=\"next\""));
        }
      } else if (path.startsWith("/v2/dr/app/blobs/sha256:") && ex.getRequestMethod().equals("HEAD")) {
        send(ex, blobs.containsKey(path.substring(path.lastIndexOf('/') + 1)) ? 200 : 404, null, Map.of());
      } else if (path.equals("/v2/dr/app/blobs/uploads/") && query != null && query.contains("from=dr%2Fbase")) {
        send(ex, 201, new byte[0], Map.of());
      } else if (path.equals("/v2/dr/app/blobs/uploads/")) {
        send(ex, 202, new byte[0], Map.of("Location", "/v2/dr/app/blobs/uploads/u1?_state=s"));
      } else if (path.equals("/v2/dr/app/blobs/uploads/u1") && ex.getRequestMethod().equals("PUT")) {
        if (uploadFailuresLeft.getAndDecrement() > 0) {
          send(ex, 503, new byte[0], Map.of());
          return;
        }
        String digest = query.substring(query.indexOf("digest=") + "digest=".length()).replace("%3A", ":");
        boolean matches = Digest.sha256(body).toString().equals(digest);
        if (matches) {
          blobs.put(digest, body);
        }
        send(ex, matches ? 201 : 400, new byte[0], Map.of());
      } else if (path.startsWith("/v2/dr/app/manifests/") && ex.getRequestMethod().equals("PUT")) {
        log.add("content-type " + ex.getRequestHeaders().getFirst("Content-Type"));
        send(ex, 201, new byte[0], Map.of("Docker-Content-Digest",
            answeredDigest != null ? answeredDigest : Digest.sha256(body).toString()));
      } else {
        send(ex, 404, new byte[0], Map.of());
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

  private static void send(HttpExchange ex, int status, byte[] body, Map<String, String> headers) throws IOException {
    headers.forEach(ex.getResponseHeaders()::add);
    ex.sendResponseHeaders(status, body == null || body.length == 0 ? -1 : body.length);
    if (body != null && body.length > 0) {
      ex.getResponseBody().write(body);
    }
    ex.close();
  }

  private UpstreamClient pushClient() {
    return new UpstreamConnector(settings, new NetworkPolicy("mirror.allowed-networks",
        IpNetwork.parseList("127.0.0.1/32")), Clock.systemUTC())
        .connectForPush(Upstream.of("http://127.0.0.1:" + port(), "dr/app"), null, null);
  }

  @Test
  void aBlobIsUploadedWholeStreamedAgainOnARetryAndThenKnownToTheRemote() {
    UpstreamClient client = pushClient();
    Digest digest = Digest.sha256(BLOB);
    assertThat(client.hasBlob(digest)).isFalse();
    assertThat(log).contains("token service=test&scope=repository:dr/app:pull,push");
    uploadFailuresLeft.set(1);
    AtomicInteger opened = new AtomicInteger();
    URI session = client.startUpload();
    client.upload(session, digest, BLOB.length, () -> {
      opened.incrementAndGet();
      return new ByteArrayInputStream(BLOB);
    });
    assertThat(opened).as("the body is read again for the retry").hasValue(2);
    assertThat(log).contains("PUT /v2/dr/app/blobs/uploads/u1?_state=s&digest=" + digest.toString().replace(":", "%3A"));
    assertThat(client.hasBlob(digest)).isTrue();
    assertThatThrownBy(() -> client.upload(client.startUpload(), Digest.sha256(new byte[1]), BLOB.length,
        () -> new ByteArrayInputStream(BLOB))).isInstanceOf(UpstreamException.class).hasMessageContaining("400");
  }

  @Test
  void aMountAsksToPullFromTheOtherRepositoryAndFallsBackToTheSessionTheRemoteOpens() {
    UpstreamClient client = pushClient();
    Digest digest = Digest.sha256(BLOB);
    assertThat(client.mount(digest, "dr/base")).isEmpty();
    assertThat(log).anySatisfy(line -> assertThat(line).startsWith("token ")
        .contains("scope=repository:dr/app:pull,push&scope=repository:dr/base:pull"));
    Optional<URI> session = client.mount(digest, "dr/elsewhere");
    assertThat(session).hasValue(URI.create("http://127.0.0.1:" + port() + "/v2/dr/app/blobs/uploads/u1?_state=s"));
  }

  @Test
  void aManifestGoesUpByteForByteAndTheRemotesDigestMustBeThatOfTheBytesSent() {
    UpstreamClient client = pushClient();
    assertThat(client.putManifest("1.0", MediaTypes.OCI_MANIFEST, MANIFEST)).isEqualTo(Digest.sha256(MANIFEST));
    assertThat(log).contains("content-type " + MediaTypes.OCI_MANIFEST);
    answeredDigest = Digest.sha256(new byte[0]).toString();
    assertThatThrownBy(() -> client.putManifest("1.0", MediaTypes.OCI_MANIFEST, MANIFEST))
        .isInstanceOf(UpstreamException.Corrupt.class).hasMessageContaining("the registry stored " + answeredDigest);
  }

  @Test
  void theCatalogIsFollowedPageByPageAndKeepsTheNamespaceOnly() {
    assertThat(pushClient().catalog("acme")).containsExactly("acme/one", "acme/two");
    assertThat(log).contains("token service=test&scope=registry:catalog:*");
  }
}
