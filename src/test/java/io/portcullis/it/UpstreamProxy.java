package io.portcullis.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small real reverse proxy in front of an upstream registry that misbehaves on purpose: it can flip
 * one byte of every blob it passes on, drop the connection in the middle of a large blob, or announce
 * a spent rate-limit budget on manifest HEADs.
 */
final class UpstreamProxy implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .followRedirects(HttpClient.Redirect.NEVER).build();
  private static final Set<String> HOP = Set.of("connection", "content-length", "transfer-encoding", "keep-alive",
      "host", "upgrade", "date");

  private final HttpServer server;
  private final String upstream;
  volatile boolean flipBlobBytes;
  /** Where blob GETs are redirected ({@code 307}, path kept); null to pass them on. */
  volatile String blobRedirect;
  /** The realm of a Bearer challenge answered to every request without Authorization; null for none. */
  volatile String realm;
  /** HEADs of manifests left to answer with {@code RateLimit-Remaining: 0} and a reset this many seconds on. */
  final AtomicInteger spentBudgets = new AtomicInteger();
  volatile int resetSeconds = 3;
  /** Blob GETs without a Range left to cut off after {@link #BREAK_AT} bytes, as a dropped connection. */
  final AtomicInteger brokenBlobs = new AtomicInteger();
  static final int BREAK_AT = 12 * 1024 * 1024;
  /** The Range headers of the blob GETs passed on. */
  final java.util.List<String> ranges = new java.util.concurrent.CopyOnWriteArrayList<>();
  final AtomicInteger manifestGets = new AtomicInteger();
  /** When set, blob bodies stop half-way until it is counted down, as a slow upstream. */
  volatile java.util.concurrent.CountDownLatch holdBlobs;
  /** Every request received, whatever became of it. */
  final AtomicInteger requests = new AtomicInteger();
  /** A status (429, 503) to answer every request with instead of passing it on, as an upstream refusing all; 0 to pass. */
  volatile int refuseWith;
  final AtomicInteger blobGets = new AtomicInteger();

  UpstreamProxy(String upstream) throws IOException {
    this.upstream = upstream;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::forward);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void forward(HttpExchange ex) throws IOException {
    try (ex) {
      requests.incrementAndGet();
      if (refuseWith != 0) {
        ex.getResponseHeaders().add("Retry-After", "3600");
        ex.sendResponseHeaders(refuseWith, -1);
        return;
      }
      String path = ex.getRequestURI().getRawPath();
      String query = ex.getRequestURI().getRawQuery();
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(upstream + path + (query == null ? "" : "?"
          + query))).method(ex.getRequestMethod(), HttpRequest.BodyPublishers.noBody());
      for (String name : List.of("Authorization", "Accept", "Range")) {
        String value = ex.getRequestHeaders().getFirst(name);
        if (value != null) {
          request.header(name, value);
        }
      }
      boolean blob = path.contains("/blobs/sha256:") && ex.getRequestMethod().equals("GET");
      boolean manifest = path.contains("/manifests/");
      if (realm != null && ex.getRequestHeaders().getFirst("Authorization") == null) {
        ex.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"" + realm + "\",service=\"proxy\"");
        ex.sendResponseHeaders(401, -1);
        return;
      }
      if (blob && blobRedirect != null) {
        ex.getResponseHeaders().add("Location", blobRedirect + path);
        ex.sendResponseHeaders(307, -1);
        return;
      }
      if (blob) {
        blobGets.incrementAndGet();
        String range = ex.getRequestHeaders().getFirst("Range");
        if (range != null) {
          ranges.add(range);
        }
      }
      if (manifest && ex.getRequestMethod().equals("GET")) {
        manifestGets.incrementAndGet();
      }
      HttpResponse<InputStream> response;
      try {
        response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      response.headers().map().forEach((name, values) -> {
        if (!HOP.contains(name.toLowerCase(java.util.Locale.ROOT)) && !name.startsWith(":")) {
          values.forEach(v -> ex.getResponseHeaders().add(name, v));
        }
      });
      if (manifest && ex.getRequestMethod().equals("HEAD") && spentBudgets.getAndDecrement() > 0) {
        ex.getResponseHeaders().add("RateLimit-Limit", "100;w=21600");
        ex.getResponseHeaders().add("RateLimit-Remaining", "0;w=21600");
        ex.getResponseHeaders().add("RateLimit-Reset", String.valueOf(resetSeconds));
      }
      long length = response.headers().firstValueAsLong("Content-Length").orElse(0);
      if (ex.getRequestMethod().equals("HEAD")) {
        ex.getResponseHeaders().add("Content-Length", String.valueOf(length));
        ex.sendResponseHeaders(response.statusCode(), -1);
        response.body().close();
        return;
      }
      byte[] body;
      try (InputStream in = response.body()) {
        body = in.readAllBytes();
      }
      if (blob && flipBlobBytes && body.length > 0) {
        body[body.length / 2] ^= 0x01;
      }
      ex.sendResponseHeaders(response.statusCode(), body.length == 0 ? -1 : body.length);
      OutputStream out = ex.getResponseBody();
      if (blob && body.length > BREAK_AT && ex.getRequestHeaders().getFirst("Range") == null
          && brokenBlobs.getAndDecrement() > 0) {
        out.write(body, 0, BREAK_AT);
        out.flush();
        // Closing the exchange short of its Content-Length drops the connection mid-body.
        return;
      }
      java.util.concurrent.CountDownLatch hold = holdBlobs;
      if (blob && hold != null && body.length > 1) {
        out.write(body, 0, body.length / 2);
        out.flush();
        try {
          hold.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException(e);
        }
        try (out) {
          out.write(body, body.length / 2, body.length - body.length / 2);
        }
        return;
      }
      try (out) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
