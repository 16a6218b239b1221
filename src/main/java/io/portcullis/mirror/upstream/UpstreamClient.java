package io.portcullis.mirror.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.shared.Digest;
import io.portcullis.shared.MediaTypes;
import io.portcullis.shared.NetworkPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Talks to one upstream repository with one set of credentials. Thread-safe; tokens are cached per
 * scope until shortly before they expire, so a run asks the token service once per scope.
 *
 * <p>Every request is retried on 429, 5xx and broken connections with exponential backoff and full
 * jitter, a {@code Retry-After} taking the backoff's place. A wait longer than a request's backoff
 * limit, or a budget announced spent before a GET, goes to the {@link Pause} instead: the caller
 * decides how to wait (a mirror run records that it is waiting and keeps its job alive) and the
 * request is then sent again.
 *
 * <p>Before every attempt (token requests and redirect targets included) the target's host is
 * resolved and each of its addresses checked against the {@link NetworkPolicy}, so an upstream that
 * passed when the mirror was saved cannot later lead the server into its own network. The JDK client
 * resolves the name again to connect: a name whose DNS answer changes between the two lookups (DNS
 * rebinding) can still slip through within that short window.
 */
public final class UpstreamClient {
  /** Every manifest type the registry can store: an upstream picks the one it has. */
  static final String ACCEPT = String.join(", ", MediaTypes.OCI_INDEX, MediaTypes.OCI_MANIFEST,
      MediaTypes.DOCKER_MANIFEST_LIST, MediaTypes.DOCKER_MANIFEST);
  /** Largest manifest read, as the registry's own push limit. */
  static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
  private static final int PAGE = 1000;
  private static final int MAX_REDIRECTS = 5;
  private static final int MAX_PAUSES = 20;
  /** A token is renewed this long before it expires, so it never runs out on the way. */
  private static final Duration TOKEN_MARGIN = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Waits until an upstream's budget refills; interrupted waits end the request. */
  @FunctionalInterface
  public interface Pause {
    void until(Instant when, String why) throws InterruptedException;
  }

  /** Upstream credentials: sent Basic to a Basic registry, or to the token service of a token one. */
  public record Credentials(String username, String password) {
    @Override
    public String toString() {
      return "Credentials[" + username + ", ****]";
    }
  }

  /** What HEAD says about a manifest; {@code digest} is empty when the upstream does not say it. */
  public record ManifestHead(Optional<Digest> digest, String mediaType, long size) {}

  /** A manifest as received, bytes unchanged, checked against its digest. */
  public record Manifest(Digest digest, String mediaType, byte[] payload) {}

  /** A blob's body from {@code offset} on; {@code length} is what is left to read (-1 when unknown). */
  public record BlobBody(InputStream stream, long offset, long length) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      stream.close();
    }
  }

  private record Token(String value, Instant expires) {}

  private final HttpClient http;
  private final UpstreamSettings settings;
  private final NetworkPolicy policy;
  private final Upstream upstream;
  private final Credentials credentials;
  private final Clock clock;
  private final Pause pause;
  /** The token scope of its requests: pull, or pull and push for a push mirror's client. */
  private final String scope;
  private final Map<String, Token> tokens = new ConcurrentHashMap<>();
  private volatile boolean basic;
  private final AtomicReference<RateLimit> budget = new AtomicReference<>();
  private final AtomicLong requests = new AtomicLong();

  UpstreamClient(HttpClient http, UpstreamSettings settings, NetworkPolicy policy, Upstream upstream,
      Credentials credentials, Clock clock, Pause pause, boolean push) {
    this.http = http;
    this.scope = "repository:" + upstream.repository() + (push ? ":pull,push" : ":pull");
    this.settings = settings;
    this.policy = policy;
    this.upstream = upstream;
    this.credentials = credentials;
    this.clock = clock;
    this.pause = pause;
  }

  public Upstream upstream() {
    return upstream;
  }

  /** The budget the upstream last announced; empty when it never did. */
  public Optional<RateLimit> budget() {
    return Optional.ofNullable(budget.get());
  }

  /** Requests sent to the upstream so far (token requests and retries included). */
  public long requests() {
    return requests.get();
  }

  /**
   * An upstream's tags as listed; {@code etag} is the validator of a listing that fit one page
   * (null otherwise: a page's validator says nothing of the pages after it).
   */
  public record TagList(List<String> tags, String etag) {
    public TagList {
      tags = List.copyOf(tags);
    }
  }

  /**
   * Every tag, following the {@code Link} pages. Given the previous listing's validator, asks with
   * {@code If-None-Match} and answers {@code previous} itself when the upstream says it has not
   * changed ({@code 304}), which costs it no listing.
   */
  public TagList tags(TagList previous) {
    List<String> tags = new ArrayList<>();
    URI first = upstream.api("tags/list?n=" + PAGE);
    URI page = first;
    String etag = null;
    while (page != null) {
      Map<String, String> headers = page == first && previous != null && previous.etag() != null
          ? Map.of("If-None-Match", previous.etag()) : Map.of();
      HttpResponse<InputStream> response = send(page, "GET", headers, true);
      if (response.statusCode() == 304 && !headers.isEmpty()) {
        close(response);
        return previous;
      }
      if (response.statusCode() != 200) {
        throw failure(response, "listing the tags of " + upstream);
      }
      JsonNode list = readJson(response, "the tag list of " + upstream);
      for (JsonNode tag : list.path("tags")) {
        tags.add(tag.asText());
      }
      URI next = LinkHeader.next(response.headers().firstValue("Link").orElse(null), page).orElse(null);
      if (page == first && next == null) {
        etag = response.headers().firstValue("ETag").filter(v -> !v.isBlank()).orElse(null);
      }
      page = next;
    }
    return new TagList(tags, etag);
  }

  /** HEAD of a manifest by tag or digest; empty when the upstream has no such manifest. */
  public Optional<ManifestHead> head(String reference) {
    HttpResponse<InputStream> response = send(upstream.api("manifests/" + reference), "HEAD",
        Map.of("Accept", ACCEPT), false);
    close(response);
    if (response.statusCode() == 404) {
      return Optional.empty();
    }
    if (response.statusCode() != 200) {
      throw failure(response, "HEAD of manifest " + upstream + ":" + reference);
    }
    Optional<Digest> digest = response.headers().firstValue("Docker-Content-Digest").flatMap(UpstreamClient::digest);
    return Optional.of(new ManifestHead(digest, mediaType(response).orElse(""),
        response.headers().firstValueAsLong("Content-Length").orElse(-1)));
  }

  /**
   * GET of a manifest by tag or digest, bytes as served, verified against the digest asked for (by
   * digest) or announced ({@code Docker-Content-Digest}); empty when the upstream has no such manifest.
   *
   * @throws UpstreamException.Corrupt when the bytes do not match, or are too large to be a manifest
   */
  public Optional<Manifest> manifest(String reference) {
    String what = "manifest " + upstream + ":" + reference;
    HttpResponse<InputStream> response = send(upstream.api("manifests/" + reference), "GET",
        Map.of("Accept", ACCEPT), true);
    if (response.statusCode() == 404) {
      close(response);
      return Optional.empty();
    }
    if (response.statusCode() != 200) {
      throw failure(response, "GET of " + what);
    }
    byte[] payload = readLimited(response, MAX_MANIFEST_BYTES, what);
    Optional<Digest> expected = Digest.looksLikeDigest(reference) ? Optional.of(Digest.parse(reference))
        : response.headers().firstValue("Docker-Content-Digest").flatMap(UpstreamClient::digest);
    String algorithm = expected.map(Digest::algorithm).orElse(Digest.SHA256);
    MessageDigest hash = Digest.newMessageDigest(algorithm);
    Digest actual = Digest.of(algorithm, hash.digest(payload));
    if (expected.isPresent() && !expected.get().equals(actual)) {
      throw new UpstreamException.Corrupt(what + ": the bytes received have digest " + actual + ", not "
          + expected.get());
    }
    String mediaType = mediaType(response).filter(t -> !t.equals("application/json"))
        .orElseGet(() -> declaredMediaType(payload));
    return Optional.of(new Manifest(actual, mediaType, payload));
  }

  /**
   * The body of blob {@code digest} from byte {@code offset} on ({@code Range}), to resume a copy
   * whose connection broke. The bytes are not checked here: the caller hashes everything it stores.
   */
  public BlobBody blob(Digest digest, long offset) {
    Map<String, String> headers = offset > 0 ? Map.of("Range", "bytes=" + offset + "-") : Map.of();
    HttpResponse<InputStream> response = send(upstream.api("blobs/" + digest), "GET", headers, true);
    int status = response.statusCode();
    long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
    if (status == 206 || (status == 200 && offset == 0)) {
      return new BlobBody(response.body(), offset, length);
    }
    if (status == 200) {
      // The upstream ignored the Range: skip what is already copied.
      try {
        InputStream body = response.body();
        long skipped = body.skip(offset);
        while (skipped < offset) {
          if (body.read() < 0) {
            throw new UpstreamException("blob " + digest + " from " + upstream + " ended before byte " + offset, 0);
          }
          skipped++;
          skipped += body.skip(offset - skipped);
        }
        return new BlobBody(body, offset, length < 0 ? -1 : length - offset);
      } catch (IOException e) {
        throw new UpstreamException("reading blob " + digest + " from " + upstream + ": " + e.getMessage(), e);
      }
    }
    throw failure(response, "GET of blob " + digest + " from " + upstream);
  }

  /**
   * The repositories of the registry under {@code namespace} ({@code GET /v2/_catalog}, following the
   * {@code Link} pages); this client's repository plays no part. Docker Hub serves no catalog.
   */
  public List<String> catalog(String namespace) {
    List<String> names = new ArrayList<>();
    URI page = upstream.registry().resolve("/v2/_catalog?n=" + PAGE);
    String prefix = namespace + "/";
    while (page != null) {
      HttpResponse<InputStream> response = send(page, "GET", Map.of(), HttpRequest.BodyPublishers.noBody(),
          settings.readTimeout(), true, "registry:catalog:*");
      if (response.statusCode() != 200) {
        throw failure(response, "listing the repositories of " + upstream.registry().getAuthority());
      }
      for (JsonNode name : readJson(response, "the catalog of " + upstream.registry()).path("repositories")) {
        if (name.asText().startsWith(prefix)) {
          names.add(name.asText());
        }
      }
      page = LinkHeader.next(response.headers().firstValue("Link").orElse(null), page).orElse(null);
    }
    return names;
  }

  /** Whether the repository holds blob {@code digest} (HEAD). */
  public boolean hasBlob(Digest digest) {
    HttpResponse<InputStream> response = send(upstream.api("blobs/" + digest), "HEAD", Map.of(), false);
    close(response);
    if (response.statusCode() == 200) {
      return true;
    }
    if (response.statusCode() == 404) {
      return false;
    }
    throw failure(response, "HEAD of blob " + digest + " at " + upstream);
  }

  /**
   * Mounts blob {@code digest} from repository {@code from} of the same registry ({@code POST
   * blobs/uploads/?mount=&from=}). Empty when it is mounted; otherwise the registry could not mount it
   * and opened an upload session instead, whose location is returned to upload the blob into.
   */
  public Optional<URI> mount(Digest digest, String from) {
    URI uri = upstream.api("blobs/uploads/?mount=" + encode(digest.toString()) + "&from=" + encode(from));
    HttpResponse<InputStream> response = send(uri, "POST", Map.of(), HttpRequest.BodyPublishers.noBody(),
        settings.readTimeout(), false, scope + " repository:" + from + ":pull");
    close(response);
    if (response.statusCode() == 201) {
      return Optional.empty();
    }
    if (response.statusCode() == 202) {
      return Optional.of(location(response, uri));
    }
    throw failure(response, "mounting blob " + digest + " from " + from + " at " + upstream);
  }

  /** Opens an upload session ({@code POST blobs/uploads/}); returns its location. */
  public URI startUpload() {
    URI uri = upstream.api("blobs/uploads/");
    HttpResponse<InputStream> response = send(uri, "POST", Map.of(), false);
    close(response);
    if (response.statusCode() != 202) {
      throw failure(response, "starting an upload to " + upstream);
    }
    return location(response, uri);
  }

  /**
   * Uploads a whole blob into the session at {@code location} in one streamed {@code PUT ?digest=}
   * (monolithic): the registry checks the digest. {@code body} is opened again for each attempt.
   */
  public void upload(URI location, Digest digest, long size, java.util.function.Supplier<InputStream> body) {
    String query = location.getRawQuery();
    URI put = URI.create(location + (query == null ? "?" : "&") + "digest=" + encode(digest.toString()));
    // The request's timeout covers sending the body: a second per MiB on top of the usual wait.
    Duration timeout = settings.readTimeout().plusSeconds(size >> 20);
    HttpResponse<InputStream> response = send(put, "PUT", Map.of("Content-Type", "application/octet-stream"),
        HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(body), size), timeout,
        false, scope);
    close(response);
    if (response.statusCode() != 201) {
      throw failure(response, "uploading blob " + digest + " to " + upstream);
    }
  }

  /**
   * Puts a manifest byte for byte under {@code reference} (a tag or its digest) and checks the digest
   * the registry answers ({@code Docker-Content-Digest}) against that of the bytes sent.
   *
   * @throws UpstreamException.Corrupt when the registry says it stored other bytes
   */
  public Digest putManifest(String reference, String mediaType, byte[] payload) {
    Digest sent = Digest.of(Digest.SHA256, Digest.newMessageDigest(Digest.SHA256).digest(payload));
    HttpResponse<InputStream> response = send(upstream.api("manifests/" + reference), "PUT",
        Map.of("Content-Type", mediaType), HttpRequest.BodyPublishers.ofByteArray(payload), settings.readTimeout(),
        false, scope);
    close(response);
    if (response.statusCode() != 201 && response.statusCode() != 200) {
      throw failure(response, "PUT of manifest " + upstream + ":" + reference);
    }
    Optional<Digest> answered = response.headers().firstValue("Docker-Content-Digest").flatMap(UpstreamClient::digest);
    if (answered.isPresent() && !answered.get().equals(sent)) {
      throw new UpstreamException.Corrupt("PUT of manifest " + upstream + ":" + reference + ": the registry stored "
          + answered.get() + ", not the " + sent + " sent");
    }
    return sent;
  }

  private URI location(HttpResponse<InputStream> response, URI request) {
    return request.resolve(response.headers().firstValue("Location").orElseThrow(() -> new UpstreamException(
        upstream.registry() + " opened an upload without a Location", response.statusCode())));
  }

  /**
   * Sends a request to the registry with authentication (answering its challenges) and redirects;
   * {@code counted} requests are those a budget charges for (GETs: Docker Hub does not count HEADs).
   */
  private HttpResponse<InputStream> send(URI uri, String method, Map<String, String> headers, boolean counted) {
    return send(uri, method, headers, HttpRequest.BodyPublishers.noBody(), settings.readTimeout(), counted, scope);
  }

  /**
   * The same with a request body (a publisher that can be sent again: retries and a challenge answer
   * resend it), a timeout and the token scope asked for (several separated by spaces).
   */
  private HttpResponse<InputStream> send(URI uri, String method, Map<String, String> headers,
      HttpRequest.BodyPublisher body, Duration timeout, boolean counted, String scope) {
    boolean challenged = false;
    URI target = uri;
    for (int redirects = 0; ; ) {
      boolean sameHost = target.getAuthority().equals(upstream.registry().getAuthority());
      HttpRequest.Builder request = HttpRequest.newBuilder(target).method(method, body).timeout(timeout);
      headers.forEach(request::header);
      if (sameHost) {
        authorization(scope).ifPresent(value -> request.header("Authorization", value));
      }
      HttpResponse<InputStream> response = exchange(request.build(), counted);
      int status = response.statusCode();
      if (status == 401 && sameHost && !challenged) {
        close(response);
        challenged = true;
        Challenge challenge = response.headers().firstValue("WWW-Authenticate").flatMap(Challenge::parse)
            .orElseThrow(() -> new UpstreamException(upstream.registry() + " answered 401 without a challenge", 401));
        answer(challenge, scope);
        continue;
      }
      if (status == 401) {
        throw failure(response, "authenticating to " + upstream.registry()
            + (credentials == null ? " (no credentials are set)" : " as " + credentials.username()));
      }
      if ((status == 301 || status == 302 || status == 303 || status == 307 || status == 308)
          && response.headers().firstValue("Location").isPresent()) {
        close(response);
        if (++redirects > MAX_REDIRECTS) {
          throw new UpstreamException(uri + " redirected more than " + MAX_REDIRECTS + " times", status);
        }
        target = target.resolve(response.headers().firstValue("Location").get());
        continue;
      }
      return response;
    }
  }

  private Optional<String> authorization(String scope) {
    Token token = tokens.get(scope);
    if (token != null && clock.instant().isBefore(token.expires())) {
      return Optional.of("Bearer " + token.value());
    }
    if (basic && credentials != null) {
      return Optional.of(basicHeader());
    }
    return Optional.empty();
  }

  private String basicHeader() {
    return "Basic " + Base64.getEncoder().encodeToString(
        (credentials.username() + ":" + credentials.password()).getBytes(StandardCharsets.UTF_8));
  }

  private void answer(Challenge challenge, String scope) {
    if (challenge.isBasic()) {
      if (credentials == null) {
        throw new UpstreamException(upstream.registry() + " requires credentials (Basic) and the mirror has none", 401);
      }
      basic = true;
      return;
    }
    if (!challenge.isBearer()) {
      throw new UpstreamException(upstream.registry() + " asks for unsupported authentication " + challenge.scheme(),
          401);
    }
    String realm = challenge.param("realm")
        .orElseThrow(() -> new UpstreamException(upstream.registry() + " sent a Bearer challenge without realm", 401));
    StringBuilder query = new StringBuilder();
    challenge.param("service").ifPresent(s -> query.append("service=").append(encode(s)));
    // What the challenge names and what the request needs (a mount also pulls from its source).
    java.util.Set<String> asked = new java.util.LinkedHashSet<>();
    challenge.param("scope").ifPresent(s -> asked.addAll(List.of(s.split(" "))));
    asked.addAll(List.of(scope.split(" ")));
    for (String one : asked) {
      query.append(query.isEmpty() ? "" : "&").append("scope=").append(encode(one));
    }
    URI uri = URI.create(realm + (realm.contains("?") ? "&" : "?") + query);
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(settings.readTimeout());
    if (credentials != null) {
      request.header("Authorization", basicHeader());
    }
    HttpResponse<InputStream> response = exchange(request.build(), false);
    if (response.statusCode() != 200) {
      throw failure(response, "getting a token from " + realm
          + (credentials == null ? " (anonymously)" : " as " + credentials.username()));
    }
    JsonNode body = readJson(response, "the token from " + realm);
    String token = body.hasNonNull("token") ? body.get("token").asText() : body.path("access_token").asText("");
    if (token.isEmpty()) {
      throw new UpstreamException("the token service " + realm + " answered without a token", 200);
    }
    // The distribution spec's default lifetime is 60 s when expires_in is absent.
    long lifetime = body.path("expires_in").asLong(60);
    Instant issued = clock.instant();
    Instant expires = issued.plusSeconds(lifetime).minus(TOKEN_MARGIN);
    tokens.put(scope, new Token(token, expires.isAfter(issued) ? expires : issued.plusSeconds(lifetime)));
  }

  /** One request with retries and rate-limit pauses; the answer is any status but 429 and 5xx. */
  private HttpResponse<InputStream> exchange(HttpRequest request, boolean counted) {
    String what = request.method() + " " + request.uri();
    int pauses = 0;
    for (int attempt = 1; ; attempt++) {
      RateLimit seen = budget.get();
      if (counted && seen != null && seen.spent() && seen.refillsAt() != null
          && seen.refillsAt().isAfter(clock.instant())) {
        pauseUntil(seen.refillsAt(), upstream.registry().getAuthority() + " announced no requests left", ++pauses);
      }
      check(request.uri(), what);
      HttpResponse<InputStream> response;
      try {
        requests.incrementAndGet();
        response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      } catch (IOException e) {
        if (attempt >= settings.maxAttempts()) {
          throw new UpstreamException(what + " failed after " + attempt + " attempts: " + describe(e), e);
        }
        sleep(backoff(attempt));
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UpstreamException(what + " was interrupted", e);
      }
      Instant now = clock.instant();
      RateLimit.parse(name -> response.headers().firstValue(name), now).ifPresent(budget::set);
      int status = response.statusCode();
      if (status != 429 && status < 500) {
        return response;
      }
      close(response);
      Optional<Instant> retryAfter = response.headers().firstValue("Retry-After").flatMap(v -> retryAfter(v, now));
      if (status == 429) {
        Instant until = retryAfter.orElseGet(() -> Optional.ofNullable(budget.get()).map(RateLimit::refillsAt)
            .orElse(null));
        if (until != null && Duration.between(now, until).compareTo(settings.maxBackoff()) > 0) {
          pauseUntil(until, what + " answered 429 Too Many Requests", ++pauses);
          attempt--;
          continue;
        }
      }
      if (attempt >= settings.maxAttempts()) {
        throw new UpstreamException(what + " answered " + status + " " + attempt + " times", status);
      }
      int tried = attempt;
      // A server error's Retry-After is honoured up to the backoff limit: beyond it the next attempt
      // is as good a probe as any.
      sleep(retryAfter.map(at -> Duration.between(now, at)).filter(d -> !d.isNegative())
          .map(d -> d.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : d)
          .orElseGet(() -> backoff(tried)));
    }
  }

  /** Refuses a request whose host resolves to an address outside the policy, before anything is sent. */
  private void check(URI target, String what) {
    try {
      policy.resolve(target);
    } catch (NetworkPolicy.Refused e) {
      // Behind a proxy the proxy resolves names, which this server may not be able to; a name it
      // does resolve is still checked.
      if (e.forbidden() || settings.proxy() == null) {
        throw new UpstreamException(what + " refused: " + e.getMessage(), 0);
      }
    }
  }

  private void pauseUntil(Instant until, String why, int pauses) {
    if (pause == null || pauses > MAX_PAUSES) {
      throw new UpstreamException.RateLimited(why + "; the budget refills at " + until, until);
    }
    try {
      pause.until(until, why);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UpstreamException.RateLimited(why + "; interrupted while waiting until " + until, until);
    }
  }

  /** Exponential backoff with full jitter: a uniform delay up to base × 2^(attempt-1), capped. */
  Duration backoff(int attempt) {
    long cap = settings.maxBackoff().toMillis();
    long ceiling = Math.min(cap, settings.backoff().toMillis() << Math.min(20, attempt - 1));
    return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1));
  }

  /** {@code Retry-After} as seconds or an HTTP date; empty when it is neither. */
  static Optional<Instant> retryAfter(String value, Instant now) {
    String text = value.strip();
    try {
      return Optional.of(now.plusSeconds(Math.max(0, Long.parseLong(text))));
    } catch (NumberFormatException e) {
      try {
        return Optional.of(ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
      } catch (DateTimeParseException notDate) {
        return Optional.empty();
      }
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UpstreamException("interrupted while waiting to retry", e);
    }
  }

  private static String describe(IOException e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  private static Optional<Digest> digest(String text) {
    try {
      return Optional.of(Digest.parse(text.strip()));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static Optional<String> mediaType(HttpResponse<?> response) {
    return response.headers().firstValue("Content-Type").map(t -> t.split(";")[0].strip()).filter(t -> !t.isEmpty());
  }

  private static String declaredMediaType(byte[] payload) {
    try {
      return JSON.readTree(payload).path("mediaType").asText("");
    } catch (IOException e) {
      return "";
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private JsonNode readJson(HttpResponse<InputStream> response, String what) {
    byte[] body = readLimited(response, MAX_MANIFEST_BYTES, what);
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UpstreamException(what + " is not JSON: " + e.getMessage(), response.statusCode());
    }
  }

  private static byte[] readLimited(HttpResponse<InputStream> response, int limit, String what) {
    try (InputStream in = response.body()) {
      byte[] bytes = in.readNBytes(limit + 1);
      if (bytes.length > limit) {
        throw new UpstreamException.Corrupt(what + " is larger than " + limit + " bytes");
      }
      return bytes;
    } catch (IOException e) {
      throw new UpstreamException("reading " + what + ": " + describe(e), e);
    }
  }

  /** The failure of an unexpected answer, with the registry's own error message when it sent one. */
  private static UpstreamException failure(HttpResponse<InputStream> response, String what) {
    String detail = "";
    try (InputStream in = response.body()) {
      JsonNode errors = JSON.readTree(in.readNBytes(4096)).path("errors");
      if (errors.isArray() && !errors.isEmpty()) {
        detail = ": " + errors.get(0).path("code").asText("") + " " + errors.get(0).path("message").asText("");
      }
    } catch (IOException | RuntimeException e) {
      // No error document: the status says it all.
    }
    return new UpstreamException(what + " answered " + response.statusCode() + detail.stripTrailing(),
        response.statusCode());
  }

  private static void close(HttpResponse<InputStream> response) {
    try {
      response.body().close();
    } catch (IOException e) {
      // Nothing to do about a body that cannot be closed: the connection is dropped.
    }
  }
}
