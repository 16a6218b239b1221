package io.portcullis.webhooks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook receiver for tests: an HTTP server on a loopback address that records every request and
 * answers what the test programs (a status, a redirect, silence). It can go down and come back on the
 * same port. {@link #verify} checks a request's signatures the way the Standard Webhooks specification
 * describes, independently of the registry's own signing code.
 */
public final class Receiver implements AutoCloseable {
  /** A request as received. */
  public record Request(String path, Map<String, String> headers, byte[] body, long receivedAtNanos) {
    public String header(String name) {
      return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** What to answer: a status and headers; {@link #HANG} never answers. */
  public record Answer(int status, Map<String, String> headers) {
    public static final Answer OK = new Answer(204, Map.of());
    public static final Answer HANG = new Answer(-1, Map.of());

    public static Answer status(int status) {
      return new Answer(status, Map.of());
    }

    public static Answer redirect(String location) {
      return new Answer(302, Map.of("Location", location));
    }
  }

  private final InetAddress address;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private volatile Function<Request, Answer> answers = r -> Answer.OK;
  private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
  private volatile HttpServer server;
  private int port;

  private Receiver(InetAddress address, int port) throws IOException {
    this.address = address;
    this.port = port;
    up();
  }

  /** A receiver on 127.0.0.1 at a free port. */
  public static Receiver start() throws IOException {
    return new Receiver(InetAddress.getByName("127.0.0.1"), 0);
  }

  public static Receiver start(String address) throws IOException {
    return new Receiver(InetAddress.getByName(address), 0);
  }

  public String url(String path) {
    return "http://" + address.getHostAddress() + ":" + port + path;
  }

  public void answer(Function<Request, Answer> answers) {
    this.answers = answers;
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** Stops listening: connections are refused until {@link #up}. */
  public void down() {
    server.stop(0);
  }

  /** Listens again on the same port. */
  public void up() throws IOException {
    HttpServer http = HttpServer.create(new InetSocketAddress(address, port), 50);
    http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    http.createContext("/", this::handle);
    http.start();
    port = http.getAddress().getPort();
    server = http;
  }

  private void handle(HttpExchange exchange) throws IOException {
    Map<String, String> headers = new TreeMap<>();
    exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(java.util.Locale.ROOT),
        values.getFirst()));
    Request request = new Request(exchange.getRequestURI().toString(), Map.copyOf(headers),
        exchange.getRequestBody().readAllBytes(), System.nanoTime());
    requests.add(request);
    Answer answer = answers.apply(request);
    if (answer.status() < 0) {
      try {
        closed.await(5, java.util.concurrent.TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
      return;
    }
    answer.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
    byte[] body = ("received " + request.header("webhook-id")).getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(answer.status(), answer.status() == 204 ? -1 : body.length);
    if (answer.status() != 204) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
    exchange.close();
  }

  /** Waits up to {@code timeout} for a request that matches. */
  public Request await(Predicate<Request> match, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (Request r : requests) {
        if (match.test(r)) {
          return r;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no matching request within " + timeout + "; received " + requests.size() + ": "
        + requests.stream().map(r -> r.header("webhook-id") + " " + r.text()).toList());
  }

  /** Waits up to {@code timeout} until at least {@code count} requests came. */
  public List<Request> awaitCount(int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline && requests.size() < count) {
      Thread.sleep(20);
    }
    if (requests.size() < count) {
      throw new AssertionError("received " + requests.size() + " of " + count + " requests within " + timeout);
    }
    return requests();
  }

  /**
   * Which of {@code secrets} ({@code whsec_…}) signed the request: for each {@code v1,} signature of the
   * {@code webhook-signature} header, HMAC-SHA256 keyed with the base64-decoded secret over
   * {@code id.timestamp.body}, compared in constant time. Empty when none did.
   */
  public static List<String> verify(Request request, List<String> secrets) {
    String id = request.header("webhook-id");
    String timestamp = request.header("webhook-timestamp");
    String header = request.header("webhook-signature");
    List<String> signers = new ArrayList<>();
    if (id == null || timestamp == null || header == null || !timestamp.matches("\\d+")) {
      return signers;
    }
    byte[] signed = concat((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8), request.body());
    for (String secret : secrets) {
      byte[] expected = hmac(Base64.getDecoder().decode(secret.substring("whsec_".length())), signed);
      for (String signature : header.split(" ")) {
        int comma = signature.indexOf(',');
        if (comma > 0 && signature.substring(0, comma).equals("v1")
            && MessageDigest.isEqual(expected, Base64.getDecoder().decode(signature.substring(comma + 1)))) {
          signers.add(secret);
        }
      }
    }
    return signers;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] all = new byte[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  private static byte[] hmac(byte[] key, byte[] content) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(content);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    closed.countDown();
    server.stop(0);
  }
}
