package io.portcullis.web.v2;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.auth.Action;
import io.portcullis.auth.ResourceType;
import io.portcullis.mirror.cache.Cache;
import io.portcullis.mirror.cache.PullThroughCache;
import io.portcullis.policy.gate.PullGates;
import io.portcullis.registry.BlobService;
import io.portcullis.registry.ManifestService.Reference;
import io.portcullis.registry.ManifestService;
import io.portcullis.registry.UploadService;
import io.portcullis.repository.RepositoryService;
import io.portcullis.shared.Caller;
import io.portcullis.shared.Digest;
import io.portcullis.shared.MediaTypes;
import io.portcullis.shared.RegistryError;
import io.portcullis.shared.RegistryException;
import io.portcullis.shared.RepositoryName;
import io.portcullis.storage.BlobSource;
import io.portcullis.web.Authorizer;
import io.portcullis.web.ErrorModel;
import io.portcullis.web.Exchange;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;

/** The OCI Distribution Spec v1.1 API under {@code /v2/}. */
public final class RegistryApi {
  static final String API_VERSION_HEADER = "Docker-Distribution-API-Version";
  private static final String OCTET_STREAM = "application/octet-stream";
  /** Query parameter carrying the signed upload session token (clients echo the Location URL). */
  private static final String STATE = "_state";

  private final ManifestService manifests;
  private final BlobService blobs;
  private final UploadService uploads;
  private final RepositoryService repositories;
  private final PullThroughCache cache;
  private final Authorizer authorizer;
  private final PullGates gates;
  private final ObjectMapper json;

  /** @param cache consulted for repositories of a cache namespace: their reads may fetch, their pushes are refused */
  public RegistryApi(ManifestService manifests, BlobService blobs, UploadService uploads,
      RepositoryService repositories, PullThroughCache cache, Authorizer authorizer, PullGates gates,
      ObjectMapper json) {
    this.manifests = manifests;
    this.gates = gates;
    this.blobs = blobs;
    this.uploads = uploads;
    this.repositories = repositories;
    this.cache = cache;
    this.authorizer = authorizer;
    this.json = json;
  }

  /** Serves one {@code /v2/...} request; failures are written as OCI error bodies. */
  public void handle(Exchange ex) throws IOException {
    ex.header(API_VERSION_HEADER, "registry/2.0");
    try {
      dispatch(ex);
    } catch (RegistryException e) {
      writeError(ex, e);
    } catch (Exchange.BodyTooLargeException e) {
      writeError(ex, RegistryError.MANIFEST_TOO_LARGE.exception(e.getMessage()));
    } catch (Authorizer.AccessChallenge challenge) {
      ex.header("WWW-Authenticate", authorizer.challengeHeader(ex, challenge));
      writeError(ex, RegistryError.UNAUTHORIZED.exception(challenge.scope()));
    }
  }

  private void dispatch(Exchange ex) throws IOException {
    String path = ex.path();
    if (path.equals("/v2/") || path.equals("/v2")) {
      ex.route("v2.base");
      requireMethod(ex, "GET", "HEAD");
      authorizer.authenticated(ex);
      ex.send(200, "application/json", "{}".getBytes(StandardCharsets.UTF_8));
      return;
    }
    if (path.equals("/v2/_catalog")) {
      ex.route("v2.catalog");
      requireMethod(ex, "GET");
      catalog(ex);
      return;
    }
    Route route = Route.parse(path.substring("/v2/".length()));
    if (route == null) {
      ex.route("v2.unknown");
      ErrorModel.Answer answer = ErrorModel.generic(path, 404, "no such endpoint");
      ex.failure("no such endpoint");
      ex.send(answer.status(), answer.contentType(), answer.body());
      return;
    }
    RepositoryName name = RepositoryName.of(route.name());
    ex.repository(name.value());
    ex.route("v2." + route.kind().name().toLowerCase(java.util.Locale.ROOT));
    switch (route.kind()) {
      case MANIFEST -> manifest(ex, name, route.rest());
      case BLOB -> blob(ex, name, route.rest());
      case UPLOAD -> upload(ex, name, route.rest());
      case TAGS -> tags(ex, name);
      case REFERRERS -> referrers(ex, name, route.rest());
    }
  }

  // ---- manifests

  private void manifest(Exchange ex, RepositoryName name, String referenceText) throws IOException {
    switch (ex.method()) {
      case "GET", "HEAD" -> {
        Caller caller = authorizer.require(ex, ResourceType.REPOSITORY, name.value(), Action.PULL);
        Reference reference = Reference.lookup(referenceText);
        boolean head = ex.method().equals("HEAD");
        Optional<Cache> covering = cache.covering(name);
        ManifestService.Manifest m;
        if (covering.isPresent()) {
          PullThroughCache.Served served = cache.manifest(covering.get(), name, reference, false, caller);
          if (served.warning() != null) {
            ex.header("Warning", "110 - \"" + served.warning().replace("\\", "\\\\").replace("\"", "\\\"")
                + "\"");
          }
          m = served.manifest();
        } else {
          m = manifests.get(name, reference, false, caller);
        }
        // HEAD is not gated: its answer has no body to carry the refusal's reason, and reveals no content.
        // Clients GET the manifest next and are refused there, reason included. The gate runs before the
        // pull is recorded: a refused pull is no pull.
        if (!head) {
          gates.admit(name, m, () -> authorizer.principal(ex));
          manifests.recordPull(name, reference, m, caller);
        }
        sendManifest(ex, m, head);
      }
      case "PUT" -> {
        Caller caller = authorizer.require(ex, ResourceType.REPOSITORY, name.value(), Action.PULL, Action.PUSH);
        refuseCached(name);
        Reference reference = Reference.parse(referenceText);
        byte[] payload = ex.readBody(ManifestService.MAX_MANIFEST_BYTES);
        ManifestService.Pushed pushed = manifests.put(name, reference, ex.header(HttpHeader.CONTENT_TYPE), payload, caller);
        ex.header("Location", "/v2/" + name + "/manifests/" + pushed.digest());
        ex.header("Docker-Content-Digest", pushed.digest().toString());
        if (pushed.subject() != null) {
          ex.header("OCI-Subject", pushed.subject().toString());
        }
        ex.sendEmpty(201, 0);
      }
      case "DELETE" -> {
        Caller caller = authorizer.require(ex, ResourceType.REPOSITORY, name.value(), Action.DELETE);
        manifests.delete(name, Reference.lookup(referenceText), caller);
        ex.sendEmpty(202, 0);
      }
      default -> throw methodNotAllowed(ex);
    }
  }

  private static void sendManifest(Exchange ex, ManifestService.Manifest m, boolean head) throws IOException {
    ex.header("Docker-Content-Digest", m.digest().toString());
    ex.header("ETag", "\"" + m.digest() + "\"");
    if (head) {
      ex.header(HttpHeader.CONTENT_TYPE.asString(), m.mediaType());
      ex.sendEmpty(200, m.size());
    } else {
      ex.send(200, m.mediaType(), m.payload());
    }
  }

  // ---- blobs

  private void blob(Exchange ex, RepositoryName name, String digestText) throws IOException {
    switch (ex.method()) {
      case "GET", "HEAD" -> {
        Caller caller = authorizer.require(ex, ResourceType.REPOSITORY, name.value(), Action.PULL);
        Digest digest = Digest.parse(digestText);
        ex.header("Docker-Content-Digest", digest.toString());
        ex.header("ETag", "\"" + digest + "\"");
        ex.header("Accept-Ranges", "bytes");
        ex.header("Cache-Control", "max-age=31536000");
        Optional<Cache> covering = cache.covering(name);
        if (covering.isPresent() && blobs.size(name, digest).isEmpty()) {
          // A whole GET streams while it is stored; a HEAD or a range waits for the blob to be stored.
          boolean stream = ex.method().equals("GET") && ex.header(HttpHeader.RANGE) == null;
          if (stream) {
            streamCached(ex, covering.get(), name, digest, caller);
            return;
          }
          cache.blob(covering.get(), name, digest, caller, null);
        }
        sendBlob(ex, blobs.open(name, digest));
      }
      case "DELETE" -> {
        Caller caller = authorizer.require(ex, ResourceType.REPOSITORY, name.value(), Action.DELETE);
        blobs.delete(name, Digest.parse(digestText), caller);
        ex.sendEmpty(202, 0);
      }
      default -> throw methodNotAllowed(ex);
    }
  }

  /**
   * Sends a blob as the cache fetches it. Once bytes are on their way a failure cannot become an error
   * answer: the connection is dropped instead, so the client sees a short body.
   */
  private void streamCached(Exchange ex, Cache covering, RepositoryName name, Digest digest, Caller caller)
      throws IOException {
    boolean[] started = new boolean[1];
    try {
      cache.blob(covering, name, digest, caller, new PullThroughCache.Receiver() {
        @Override
        public void start(long size) throws IOException {
          started[0] = true;
          ex.startBody(200, OCTET_STREAM, size);
        }

        @Override
        public void write(ByteBuffer bytes) throws IOException {
          ex.writeBody(bytes, false);
        }

        @Override
        public void finish() throws IOException {
          ex.writeBody(ByteBuffer.allocate(0), true);
        }
      });
    } catch (RegistryException e) {
      if (!started[0]) {
        throw e;
      }
      ex.failure(e.error().code() + ": " + e.getMessage());
      ex.abort(e);
    }
  }

  /** Content of a cache namespace comes from its upstreams only. */
  private void refuseCached(RepositoryName name) {
    Optional<Cache> covering = cache.covering(name);
    if (covering.isPresent()) {
      throw RegistryError.DENIED.exception("repository " + name + " is in the pull-through cache namespace "
          + covering.get().namespace() + ": its content comes from the cache's upstreams and cannot be pushed");
    }
  }

  private void sendBlob(Exchange ex, BlobSource source) throws IOException {
    long size = source.size();
    long start = 0;
    long length = size;
    int status = 200;
    String range = ex.header(HttpHeader.RANGE);
    if (range != null) {
      long[] bounds = ByteRange.parse(range, size);
      if (bounds == null) {
        ex.header("Content-Range", "bytes */" + size);
        throw RegistryError.REQUESTED_RANGE_NOT_SATISFIABLE.exception(range);
      }
      start = bounds[0];
      length = bounds[1] - bounds[0] + 1;
      status = 206;
      ex.header("Content-Range", "bytes " + bounds[0] + "-" + bounds[1] + "/" + size);
    }
    switch (source) {
      case BlobSource.LocalFile file -> ex.sendFile(status, OCTET_STREAM, file.path(), start, length);
      case BlobSource.Redirect redirect -> {
        ex.header("Location", redirect.location().toString());
        ex.sendEmpty(307, 0);
      }
      case BlobSource.Stream stream -> {
        try (var in = stream.stream()) {
          in.skipNBytes(start);
          ex.send(status, OCTET_STREAM, in.readNBytes((int) Math.min(length, Integer.MAX_VALUE)));
        }
      }
    }
  }

  // ---- uploads

  private void upload(Exchange ex, RepositoryName name, String id) throws IOException {
    if (id.isEmpty()) {
      requireMethod(ex, "POST");
      startUpload(ex, name);
      return;
    }
    switch (ex.method()) {
      case "GET" -> {
        authorizer.require(ex, ResourceType.REPOSITORY, name.value(), Action.PULL, Action.PUSH);
        sendUploadStatus(ex, name, uploads.status(name, id, ex.query(STATE)), 204);
      }
      case "PATCH" -> {
        authorizer.require(ex, ResourceType.REPOSITORY, name.value(), Action.PULL, Action.PUSH);
        refuseCached(name);
        long[] range = contentRange(ex);
        UploadService.Status status = appendOrRange(ex, name,
            () -> uploads.append(name, id, ex.query(STATE), range == null ? null : range[0],
                range == null ? -1 : range[1] - range[0] + 1, ex.body()));
        sendUploadStatus(ex, name, status, 202);
      }
      case "PUT" -> {
        Caller caller = authorizer.require(ex, ResourceType.REPOSITORY, name.value(), Action.PULL, Action.PUSH);
        refuseCached(name);
        Digest digest = Digest.parse(requireQuery(ex, "digest"));
        long[] range = contentRange(ex);
        long declared = ex.contentLength();
        appendOrRange(ex, name, () -> {
          uploads.complete(name, id, ex.query(STATE), digest, range == null ? null : range[0],
              range == null ? declared : range[1] - range[0] + 1, ex.body(), caller);
          return null;
        });
        blobCreated(ex, name, digest);
      }
      case "DELETE" -> {
        authorizer.require(ex, ResourceType.REPOSITORY, name.value(), Action.PULL, Action.PUSH);
        uploads.cancel(name, id, ex.query(STATE));
        ex.sendEmpty(204, 0);
      }
      default -> throw methodNotAllowed(ex);
    }
  }

  private void startUpload(Exchange ex, RepositoryName name) throws IOException {
    Caller caller = authorizer.require(ex, ResourceType.REPOSITORY, name.value(), Action.PULL, Action.PUSH);
    refuseCached(name);
    String mount = ex.query("mount");
    String from = ex.query("from");
    if (mount != null && from != null) {
      Digest digest = Digest.parse(mount);
      // Mounting reveals a blob of another repository: only from one the caller may pull.
      if (RepositoryName.isValid(from) && authorizer.holds(ex, ResourceType.REPOSITORY, from, Action.PULL)
          && blobs.mount(name, RepositoryName.of(from), digest, caller)) {
        blobCreated(ex, name, digest);
        return;
      }
    }
    String digestText = ex.query("digest");
    UploadService.Status status = uploads.start(name);
    if (digestText != null) {
      Digest digest = Digest.parse(digestText);
      long declared = ex.contentLength();
      try {
        uploads.complete(name, status.id(), status.state(), digest, null, declared, ex.body(), caller);
      } catch (RegistryException | IOException e) {
        uploads.discard(status.id());
        throw e;
      }
      blobCreated(ex, name, digest);
      return;
    }
    sendUploadStatus(ex, name, status, 202);
  }

  private interface UploadStep {
    UploadService.Status run() throws IOException;
  }

  /** Runs an upload step; a chunk at the wrong offset is answered with where the upload stands. */
  private UploadService.Status appendOrRange(Exchange ex, RepositoryName name, UploadStep step) throws IOException {
    try {
      return step.run();
    } catch (RegistryException e) {
      if (e.detail() instanceof UploadService.RangeDetail detail) {
        ex.header("Range", "0-" + Math.max(0, detail.offset() - 1));
      }
      throw e;
    }
  }

  private void sendUploadStatus(Exchange ex, RepositoryName name, UploadService.Status status, int code)
      throws IOException {
    ex.header("Location", "/v2/" + name + "/blobs/uploads/" + status.id() + "?" + STATE + "=" + status.state());
    ex.header("Docker-Upload-UUID", status.id());
    ex.header("Range", "0-" + Math.max(0, status.offset() - 1));
    ex.header("OCI-Chunk-Min-Length", "0");
    ex.sendEmpty(code, 0);
  }

  private void blobCreated(Exchange ex, RepositoryName name, Digest digest) throws IOException {
    ex.header("Location", "/v2/" + name + "/blobs/" + digest);
    ex.header("Docker-Content-Digest", digest.toString());
    ex.sendEmpty(201, 0);
  }

  /** Content-Range of a chunk, {@code start-end} inclusive; null when absent. */
  private static long[] contentRange(Exchange ex) {
    String header = ex.header(HttpHeader.CONTENT_RANGE);
    if (header == null || header.isBlank()) {
      return null;
    }
    String value = header.trim();
    if (value.startsWith("bytes ")) {
      value = value.substring(6).trim();
    }
    int slash = value.indexOf('/');
    if (slash >= 0) {
      value = value.substring(0, slash);
    }
    int dash = value.indexOf('-');
    try {
      long start = Long.parseLong(value.substring(0, dash));
      long end = Long.parseLong(value.substring(dash + 1));
      if (start < 0 || end < start) {
        throw RegistryError.RANGE_INVALID.exception(header);
      }
      long declared = ex.contentLength();
      if (declared >= 0 && declared != end - start + 1) {
        throw RegistryError.RANGE_INVALID.exception("Content-Range and Content-Length disagree");
      }
      return new long[] {start, end};
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      throw RegistryError.RANGE_INVALID.exception(header);
    }
  }

  // ---- listings

  private void tags(Exchange ex, RepositoryName name) throws IOException {
    requireMethod(ex, "GET");
    authorizer.require(ex, ResourceType.REPOSITORY, name.value(), Action.PULL);
    int n = pageSize(ex);
    String last = ex.query("last");
    List<String> page = n == 0 ? List.of() : manifests.tags(name, last, n);
    ObjectNode body = json.createObjectNode();
    body.put("name", name.value());
    ArrayNode tags = body.putArray("tags");
    page.stream().limit(n).forEach(tags::add);
    if (page.size() > n) {
      linkNext(ex, "/v2/" + name + "/tags/list", n, page.get(n - 1));
    }
    ex.sendJsonListing(json, body);
  }

  private void catalog(Exchange ex) throws IOException {
    authorizer.require(ex, ResourceType.REGISTRY, "catalog", Action.ALL);
    int n = pageSize(ex);
    String last = ex.query("last");
    List<String> page = n == 0 ? List.of()
        : repositories.list(last, n, r -> authorizer.mayAccess(ex, ResourceType.REPOSITORY, r.name().value(),
            Action.PULL)).stream().map(r -> r.name().value()).toList();
    ObjectNode body = json.createObjectNode();
    ArrayNode repositories = body.putArray("repositories");
    page.stream().limit(n).forEach(repositories::add);
    if (page.size() > n) {
      linkNext(ex, "/v2/_catalog", n, page.get(n - 1));
    }
    ex.sendJsonListing(json, body);
  }

  private static void linkNext(Exchange ex, String path, int n, String last) {
    ex.header("Link", "<" + path + "?n=" + n + "&last=" + URLEncoder.encode(last, StandardCharsets.UTF_8)
        + ">; rel=\"next\"");
  }

  private static int pageSize(Exchange ex) {
    String n = ex.query("n");
    if (n == null) {
      return ManifestService.MAX_PAGE;
    }
    try {
      int value = Integer.parseInt(n);
      if (value < 0) {
        throw RegistryError.PAGINATION_NUMBER_INVALID.exception(n);
      }
      return Math.min(value, ManifestService.MAX_PAGE);
    } catch (NumberFormatException e) {
      throw RegistryError.PAGINATION_NUMBER_INVALID.exception(n);
    }
  }

  private void referrers(Exchange ex, RepositoryName name, String digestText) throws IOException {
    requireMethod(ex, "GET");
    authorizer.require(ex, ResourceType.REPOSITORY, name.value(), Action.PULL);
    Digest subject = Digest.parse(digestText);
    String artifactType = ex.query("artifactType");
    ObjectNode index = json.createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", MediaTypes.OCI_INDEX);
    ArrayNode list = index.putArray("manifests");
    for (ManifestService.Referrer r : manifests.referrers(name, subject, artifactType)) {
      ObjectNode d = list.addObject();
      d.put("mediaType", r.mediaType());
      d.put("digest", r.digest());
      d.put("size", r.size());
      if (r.artifactType() != null) {
        d.put("artifactType", r.artifactType());
      }
      if (r.annotations() != null) {
        d.set("annotations", json.readTree(r.annotations()));
      }
    }
    if (artifactType != null) {
      ex.header("OCI-Filters-Applied", "artifactType");
    }
    ex.send(200, MediaTypes.OCI_INDEX, json.writeValueAsBytes(index));
  }

  // ---- helpers

  private static String requireQuery(Exchange ex, String name) {
    String value = ex.query(name);
    if (value == null || value.isEmpty()) {
      throw RegistryError.DIGEST_INVALID.exception("the " + name + " query parameter is required");
    }
    return value;
  }

  private static void requireMethod(Exchange ex, String... allowed) {
    for (String method : allowed) {
      if (method.equals(ex.method())) {
        return;
      }
    }
    throw methodNotAllowed(ex);
  }

  private static RegistryException methodNotAllowed(Exchange ex) {
    return RegistryError.UNSUPPORTED.exception(ex.method() + " is not supported here");
  }

  void writeError(Exchange ex, RegistryException e) throws IOException {
    ex.failure(e.error().code() + ": " + e.getMessage());
    Object detail = e.detail() instanceof UploadService.RangeDetail range
        ? json.createObjectNode().put("offset", range.offset())
        : e.detail();
    ex.send(ErrorModel.status(e.error()), "application/json", ErrorModel.ociBody(e.error().code(), e.getMessage(), detail));
  }
}
