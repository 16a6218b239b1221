package io.portcullis.it;

import static io.portcullis.it.RegistryClient.errorCode;
import static io.portcullis.it.RegistryClient.json;
import static io.portcullis.it.RegistryClient.push;
import static io.portcullis.it.RegistryClient.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The OCI Distribution Spec workflows (push, pull, content discovery, content management) driven over
 * HTTP against a real server; run once per metadata backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DistributionApiContract {
  TestRegistry registry;
  RegistryClient client;
  final Random random = new Random(42);

  abstract TestRegistry.Backend backend();

  @BeforeAll
  void start() throws Exception {
    registry = TestRegistry.start(backend());
    client = registry.admin();
  }

  @AfterAll
  void stop() throws Exception {
    registry.close();
  }

  byte[] randomBytes(int size) {
    byte[] bytes = new byte[size];
    random.nextBytes(bytes);
    return bytes;
  }

  @Test
  void baseEndpointChallengesWithoutTokenAndAnswersWithOne() throws Exception {
    HttpResponse<byte[]> anonymous = client.send("GET", "/v2/", null, null);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(h ->
        assertThat(h).startsWith("Bearer realm=\"" + registry.baseUrl() + "/auth/token\"").contains("service=\"portcullis\""));
    assertThat(anonymous.headers().firstValue("Docker-Distribution-API-Version")).hasValue("registry/2.0");
    HttpResponse<byte[]> authorized = client.send("GET", "/v2/", "repository:any:pull", null);
    assertThat(authorized.statusCode()).isEqualTo(200);
  }

  @Test
  void monolithicPostPutAndChunkedUploadsStoreExactBytes() throws Exception {
    String repo = "contract/uploads";
    byte[] one = randomBytes(1000);
    client.uploadBlob(repo, one);
    assertBlob(repo, one);

    byte[] two = randomBytes(5000);
    HttpResponse<byte[]> started = client.send("POST", "/v2/" + repo + "/blobs/uploads/", push(repo), null);
    assertThat(started.statusCode()).isEqualTo(202);
    String location = started.headers().firstValue("Location").orElseThrow();
    HttpResponse<byte[]> put = client.send("PUT", RegistryClient.withQuery(location, "digest=") + sha256(two), push(repo), two,
        "Content-Type", "application/octet-stream");
    assertThat(put.statusCode()).isEqualTo(201);
    assertThat(put.headers().firstValue("Docker-Content-Digest")).hasValue(sha256(two));
    assertBlob(repo, two);

    byte[] three = randomBytes(3 * 4096 + 17);
    started = client.send("POST", "/v2/" + repo + "/blobs/uploads/", push(repo), null);
    location = started.headers().firstValue("Location").orElseThrow();
    for (int offset = 0; offset < three.length; offset += 4096) {
      int end = Math.min(three.length, offset + 4096);
      byte[] chunk = java.util.Arrays.copyOfRange(three, offset, end);
      HttpResponse<byte[]> patched = client.send("PATCH", location, push(repo), chunk,
          "Content-Type", "application/octet-stream", "Content-Range", offset + "-" + (end - 1));
      assertThat(patched.statusCode()).isEqualTo(202);
      assertThat(patched.headers().firstValue("Range")).hasValue("0-" + (end - 1));
      location = patched.headers().firstValue("Location").orElseThrow();
    }
    HttpResponse<byte[]> status = client.send("GET", location, push(repo), null);
    assertThat(status.statusCode()).isEqualTo(204);
    assertThat(status.headers().firstValue("Range")).hasValue("0-" + (three.length - 1));
    assertThat(client.send("PUT", RegistryClient.withQuery(location, "digest=") + sha256(three), push(repo), null).statusCode()).isEqualTo(201);
    assertBlob(repo, three);
  }

  @Test
  void chunkAtTheWrongOffsetIsRefusedWith416AndChangesNothing() throws Exception {
    String repo = "contract/ranges";
    HttpResponse<byte[]> started = client.send("POST", "/v2/" + repo + "/blobs/uploads/", push(repo), null);
    String location = started.headers().firstValue("Location").orElseThrow();
    byte[] first = randomBytes(100);
    client.send("PATCH", location, push(repo), first, "Content-Range", "0-99");
    HttpResponse<byte[]> skipped = client.send("PATCH", location, push(repo), randomBytes(10), "Content-Range", "200-209");
    assertThat(skipped.statusCode()).isEqualTo(416);
    assertThat(skipped.headers().firstValue("Range")).hasValue("0-99");
    HttpResponse<byte[]> stale = client.send("PATCH", location, push(repo), randomBytes(10), "Content-Range", "0-9");
    assertThat(stale.statusCode()).isEqualTo(416);
    HttpResponse<byte[]> garbage = client.send("PATCH", location, push(repo), randomBytes(10), "Content-Range", "x-y");
    assertThat(garbage.statusCode()).isEqualTo(416);
    assertThat(client.send("GET", location, push(repo), null).headers().firstValue("Range")).hasValue("0-99");
    String foreign = location.replace("/v2/" + repo + "/", "/v2/contract/elsewhere/");
    HttpResponse<byte[]> otherRepo = client.send("GET", foreign, push("contract/elsewhere"), null);
    assertThat(otherRepo.statusCode()).isEqualTo(404);
    assertThat(errorCode(otherRepo)).isEqualTo("BLOB_UPLOAD_UNKNOWN");
    String unsigned = location.substring(0, location.indexOf('?'));
    assertThat(client.send("GET", unsigned, push(repo), null).statusCode()).isEqualTo(404);
    assertThat(client.send("PUT", RegistryClient.withQuery(location, "digest=") + sha256(first), push(repo), null).statusCode()).isEqualTo(201);
  }

  @Test
  void digestMismatchIsRefusedAndStoresNothing() throws Exception {
    String repo = "contract/mismatch";
    byte[] content = randomBytes(64);
    String wrong = sha256("something else".getBytes(StandardCharsets.UTF_8));
    HttpResponse<byte[]> response = client.send("POST", "/v2/" + repo + "/blobs/uploads/?digest=" + wrong, push(repo), content);
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(errorCode(response)).isEqualTo("DIGEST_INVALID");
    assertThat(client.send("HEAD", "/v2/" + repo + "/blobs/" + wrong, push(repo), null).statusCode()).isEqualTo(404);
    assertThat(client.send("HEAD", "/v2/" + repo + "/blobs/" + sha256(content), push(repo), null).statusCode()).isEqualTo(404);
  }

  @Test
  void invalidDigestsAndNamesAreBadRequestsNeverServerErrors() throws Exception {
    HttpResponse<byte[]> badDigest = client.send("GET", "/v2/contract/x/blobs/sha256:nothex", "repository:contract/x:pull", null);
    assertThat(badDigest.statusCode()).isEqualTo(400);
    assertThat(errorCode(badDigest)).isEqualTo("DIGEST_INVALID");
    for (String name : List.of("Upper/case", "a/%2e%2e/b", "a//b", "-lead", "trail-", "a/.hidden")) {
      HttpResponse<byte[]> response = client.send("GET", "/v2/" + name + "/tags/list", "repository:contract/x:pull", null);
      assertThat(response.statusCode()).as(name).isEqualTo(400);
    }
    HttpResponse<byte[]> badTag = client.send("PUT", "/v2/contract/x/manifests/bad:tag!", push("contract/x"), "{}".getBytes());
    assertThat(badTag.statusCode()).isEqualTo(400);
  }

  @Test
  void readsOfReferencesThatCannotExistAreUnknownManifestsOnlyPushValidatesThem() throws Exception {
    String repo = "contract/references";
    client.pushImage(repo, "v1", randomBytes(60));
    String pull = "repository:" + repo + ":pull";
    for (String reference : List.of(".INVALID_MANIFEST_NAME", "md5:abc", "-dash", "x".repeat(200))) {
      for (String method : List.of("GET", "HEAD")) {
        HttpResponse<byte[]> response = client.send(method, "/v2/" + repo + "/manifests/" + reference, pull, null);
        assertThat(response.statusCode()).as(method + " " + reference).isEqualTo(404);
        if (method.equals("GET")) {
          assertThat(errorCode(response)).isEqualTo("MANIFEST_UNKNOWN");
        }
      }
      HttpResponse<byte[]> delete = client.send("DELETE", "/v2/" + repo + "/manifests/" + reference,
          "repository:" + repo + ":delete", null);
      assertThat(delete.statusCode()).as("DELETE " + reference).isEqualTo(404);
      assertThat(errorCode(delete)).isEqualTo("MANIFEST_UNKNOWN");
    }
    HttpResponse<byte[]> push = client.send("PUT", "/v2/" + repo + "/manifests/.INVALID_MANIFEST_NAME", push(repo), "{}".getBytes(),
        "Content-Type", "application/vnd.oci.image.manifest.v1+json");
    assertThat(push.statusCode()).isEqualTo(400);
    assertThat(errorCode(push)).isEqualTo("TAG_INVALID");
  }

  @Test
  void everyRefusalIsInTheDialectOfItsPathNeverHtml() throws Exception {
    HttpResponse<byte[]> unknownSubPath = client.send("GET", "/v2/contract/x/nothing-here", "repository:contract/x:pull", null);
    assertThat(unknownSubPath.statusCode()).isEqualTo(404);
    assertThat(unknownSubPath.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(errorCode(unknownSubPath)).isEqualTo("NOT_FOUND");

    HttpResponse<byte[]> encodedSlash = client.send("GET", "/v2/contract%2Fx/tags/list", "repository:contract/x:pull", null);
    assertThat(encodedSlash.statusCode()).isEqualTo(400);
    assertThat(errorCode(encodedSlash)).isEqualTo("NAME_INVALID");

    for (String path : List.of("/api/v1/repositories/contract%2Fx", "/api/v1/no-such-thing", "/no-such-thing")) {
      HttpResponse<byte[]> response = client.send("GET", path, null, null);
      assertThat(response.statusCode()).as(path).isIn(400, 404);
      assertThat(response.headers().firstValue("Content-Type")).as(path).hasValue("application/problem+json");
      assertThat(json(response).path("status").asInt()).as(path).isEqualTo(response.statusCode());
    }
  }

  @Test
  void aRefusedBodyIsSwallowedSoTheClientReadsTheAnswerAndKeepsTheConnection() throws Exception {
    String repo = "contract/refused";
    java.net.URI base = java.net.URI.create(client.baseUrl());
    String token = client.token("repository:" + repo + ":pull,push");
    byte[] tooLarge = randomBytes(6 << 20);
    try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(30_000);
      var out = socket.getOutputStream();
      var in = new java.io.BufferedInputStream(socket.getInputStream());
      for (int round = 0; round < 3; round++) {
        out.write(("PUT /v2/" + repo + "/manifests/big HTTP/1.1\r\nHost: " + base.getAuthority()
            + "\r\nAuthorization: Bearer " + token
            + "\r\nContent-Type: application/vnd.oci.image.manifest.v1+json\r\nContent-Length: " + tooLarge.length
            + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.write(tooLarge);
        out.flush();
        String status = readAnswer(in);
        assertThat(status).as("round %d", round).startsWith("HTTP/1.1 413");
      }
    }
  }

  /** Reads one HTTP/1.1 answer with a Content-Length body; returns its status line. */
  private static String readAnswer(java.io.InputStream in) throws java.io.IOException {
    String status = readLine(in);
    long length = 0;
    for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
      if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
        length = Long.parseLong(line.substring(15).trim());
      }
      assertThat(line).doesNotContainIgnoringCase("connection: close");
    }
    assertThat(in.readNBytes((int) length)).hasSize((int) length);
    return status;
  }

  private static String readLine(java.io.InputStream in) throws java.io.IOException {
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new java.io.EOFException("connection closed after: " + line);
      }
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  @Test
  void blobRangeRequestsReturnPartialContent() throws Exception {
    String repo = "contract/range-get";
    byte[] content = randomBytes(1000);
    String digest = client.uploadBlob(repo, content);
    HttpResponse<byte[]> partial = client.send("GET", "/v2/" + repo + "/blobs/" + digest, "repository:" + repo + ":pull", null,
        "Range", "bytes=100-199");
    assertThat(partial.statusCode()).isEqualTo(206);
    assertThat(partial.body()).isEqualTo(java.util.Arrays.copyOfRange(content, 100, 200));
    assertThat(partial.headers().firstValue("Content-Range")).hasValue("bytes 100-199/1000");
    HttpResponse<byte[]> unsatisfiable = client.send("GET", "/v2/" + repo + "/blobs/" + digest,
        "repository:" + repo + ":pull", null, "Range", "bytes=5000-");
    assertThat(unsatisfiable.statusCode()).isEqualTo(416);
  }

  @Test
  void manifestPushPullByTagAndDigestPreservesBytes() throws Exception {
    String repo = "contract/manifests";
    byte[] manifest = client.pushImage(repo, "v1", randomBytes(300));
    String digest = sha256(manifest);
    for (String reference : List.of("v1", digest)) {
      HttpResponse<byte[]> got = client.send("GET", "/v2/" + repo + "/manifests/" + reference, "repository:" + repo + ":pull", null,
          "Accept", "application/vnd.oci.image.manifest.v1+json");
      assertThat(got.statusCode()).isEqualTo(200);
      assertThat(got.body()).isEqualTo(manifest);
      assertThat(got.headers().firstValue("Docker-Content-Digest")).hasValue(digest);
      assertThat(got.headers().firstValue("Content-Type")).hasValue("application/vnd.oci.image.manifest.v1+json");
      HttpResponse<byte[]> head = client.send("HEAD", "/v2/" + repo + "/manifests/" + reference, "repository:" + repo + ":pull", null);
      assertThat(head.statusCode()).isEqualTo(200);
      assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(manifest.length);
    }
    HttpResponse<byte[]> missing = client.send("GET", "/v2/" + repo + "/manifests/nope", "repository:" + repo + ":pull", null);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(errorCode(missing)).isEqualTo("MANIFEST_UNKNOWN");
  }

  @Test
  void badManifestsAreRefusedPreciselyAndChangeNothing() throws Exception {
    String repo = "contract/bad-manifests";
    byte[] good = client.pushImage(repo, "keep", randomBytes(100));
    String type = "application/vnd.oci.image.manifest.v1+json";
    record Case(String contentType, byte[] body, int status, String code) {}
    String unknownBlob = sha256("never uploaded".getBytes());
    JsonNode goodJson = RegistryClient.JSON.readTree(good);
    List<Case> cases = new ArrayList<>(List.of(
        new Case(type, "{not json".getBytes(), 400, "MANIFEST_INVALID"),
        new Case(type, "[]".getBytes(), 400, "MANIFEST_INVALID"),
        new Case(type, "{\"schemaVersion\":2}".getBytes(), 400, "MANIFEST_INVALID"),
        new Case("application/vnd.docker.distribution.manifest.v1+prettyjws",
            "{\"schemaVersion\":1,\"name\":\"x\",\"tag\":\"keep\",\"fsLayers\":[]}".getBytes(), 400, "MANIFEST_INVALID"),
        new Case("application/vnd.docker.distribution.manifest.list.v2+json", good, 400, "MANIFEST_INVALID"),
        new Case(type, RegistryClient.manifest(unknownBlob, 10, unknownBlob, 10), 400, "MANIFEST_BLOB_UNKNOWN"),
        new Case(type, RegistryClient.manifest(goodJson.at("/config/digest").asText(), 999999,
            goodJson.at("/layers/0/digest").asText(), goodJson.at("/layers/0/size").asLong()), 400, "MANIFEST_INVALID"),
        new Case(type, new byte[4 * 1024 * 1024 + 1], 413, "SIZE_INVALID")));
    for (Case c : cases) {
      HttpResponse<byte[]> response = client.send("PUT", "/v2/" + repo + "/manifests/keep", push(repo), c.body(),
          "Content-Type", c.contentType());
      assertThat(response.statusCode()).as(c.contentType() + " " + new String(c.body(), 0, Math.min(60, c.body().length)))
          .isEqualTo(c.status());
      assertThat(errorCode(response)).isEqualTo(c.code());
    }
    HttpResponse<byte[]> stillGood = client.send("GET", "/v2/" + repo + "/manifests/keep", "repository:" + repo + ":pull", null);
    assertThat(stillGood.body()).isEqualTo(good);
    HttpResponse<byte[]> wrongDigest = client.send("PUT", "/v2/" + repo + "/manifests/" + sha256("x".getBytes()), push(repo),
        good, "Content-Type", type);
    assertThat(wrongDigest.statusCode()).isEqualTo(400);
    assertThat(errorCode(wrongDigest)).isEqualTo("DIGEST_INVALID");
    JsonNode tags = json(client.send("GET", "/v2/" + repo + "/tags/list", "repository:" + repo + ":pull", null));
    assertThat(tags.get("tags")).hasSize(1);
  }

  @Test
  void tagsAndCatalogPaginateWithLinkHeaders() throws Exception {
    String repo = "contract/paged";
    byte[] manifest = client.pushImage(repo, "t0", randomBytes(50));
    for (String tag : List.of("t1", "t2", "t3", "t4")) {
      assertThat(client.send("PUT", "/v2/" + repo + "/manifests/" + tag, push(repo), manifest,
          "Content-Type", "application/vnd.oci.image.manifest.v1+json").statusCode()).isEqualTo(201);
    }
    String scope = "repository:" + repo + ":pull";
    HttpResponse<byte[]> first = client.send("GET", "/v2/" + repo + "/tags/list?n=2", scope, null);
    assertThat(json(first).get("tags").toString()).isEqualTo("[\"t0\",\"t1\"]");
    assertThat(first.headers().firstValue("Link")).hasValue("</v2/" + repo + "/tags/list?n=2&last=t1>; rel=\"next\"");
    HttpResponse<byte[]> last = client.send("GET", "/v2/" + repo + "/tags/list?n=2&last=t3", scope, null);
    assertThat(json(last).get("tags").toString()).isEqualTo("[\"t4\"]");
    assertThat(last.headers().firstValue("Link")).isEmpty();
    String etag = last.headers().firstValue("ETag").orElseThrow();
    HttpResponse<byte[]> unchanged = client.send("GET", "/v2/" + repo + "/tags/list?n=2&last=t3", scope, null,
        "If-None-Match", etag);
    assertThat(unchanged.statusCode()).isEqualTo(304);
    assertThat(unchanged.body()).isEmpty();
    assertThat(client.send("PUT", "/v2/" + repo + "/manifests/t5", push(repo), manifest,
        "Content-Type", "application/vnd.oci.image.manifest.v1+json").statusCode()).isEqualTo(201);
    HttpResponse<byte[]> changed = client.send("GET", "/v2/" + repo + "/tags/list?n=2&last=t3", scope, null,
        "If-None-Match", etag);
    assertThat(changed.statusCode()).isEqualTo(200);
    assertThat(json(changed).get("tags").toString()).isEqualTo("[\"t4\",\"t5\"]");
    assertThat(changed.headers().firstValue("ETag")).isPresent().isNotEqualTo(java.util.Optional.of(etag));
    HttpResponse<byte[]> unknown = client.send("GET", "/v2/contract/none/tags/list", "repository:contract/none:pull", null);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(errorCode(unknown)).isEqualTo("NAME_UNKNOWN");
    HttpResponse<byte[]> badN = client.send("GET", "/v2/" + repo + "/tags/list?n=-1", scope, null);
    assertThat(badN.statusCode()).isEqualTo(400);

    client.uploadBlob("contract/paged-too", randomBytes(5));
    HttpResponse<byte[]> catalog = client.send("GET", "/v2/_catalog?n=1", "registry:catalog:*", null);
    assertThat(catalog.statusCode()).isEqualTo(200);
    assertThat(json(catalog).get("repositories")).hasSize(1);
    assertThat(catalog.headers().firstValue("Link")).isPresent();
  }

  @Test
  void referrersListSubjectsFilteredByArtifactType() throws Exception {
    String repo = "contract/referrers";
    byte[] subject = client.pushImage(repo, "app", randomBytes(80));
    String subjectDigest = sha256(subject);
    String emptyConfig = client.uploadBlob(repo, "{}".getBytes());
    List<String> referrers = new ArrayList<>();
    for (String artifactType : List.of("application/vnd.example.sbom", "application/vnd.example.signature")) {
      byte[] artifact = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
          + "\"artifactType\":\"" + artifactType + "\",\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\","
          + "\"digest\":\"" + emptyConfig + "\",\"size\":2},\"layers\":[],\"subject\":{\"mediaType\":"
          + "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + subjectDigest + "\",\"size\":" + subject.length
          + "},\"annotations\":{\"org.example\":\"yes\"}}").getBytes();
      HttpResponse<byte[]> put = client.send("PUT", "/v2/" + repo + "/manifests/" + sha256(artifact), push(repo), artifact,
          "Content-Type", "application/vnd.oci.image.manifest.v1+json");
      assertThat(put.statusCode()).isEqualTo(201);
      assertThat(put.headers().firstValue("OCI-Subject")).hasValue(subjectDigest);
      referrers.add(sha256(artifact));
    }
    String scope = "repository:" + repo + ":pull";
    HttpResponse<byte[]> all = client.send("GET", "/v2/" + repo + "/referrers/" + subjectDigest, scope, null);
    assertThat(all.statusCode()).isEqualTo(200);
    assertThat(all.headers().firstValue("Content-Type")).hasValue("application/vnd.oci.image.index.v1+json");
    assertThat(json(all).get("manifests")).hasSize(2);
    HttpResponse<byte[]> filtered = client.send("GET", "/v2/" + repo + "/referrers/" + subjectDigest
        + "?artifactType=application/vnd.example.sbom", scope, null);
    assertThat(filtered.headers().firstValue("OCI-Filters-Applied")).hasValue("artifactType");
    JsonNode only = json(filtered).get("manifests");
    assertThat(only).hasSize(1);
    assertThat(only.get(0).get("digest").asText()).isEqualTo(referrers.get(0));
    assertThat(only.get(0).get("annotations").get("org.example").asText()).isEqualTo("yes");
    HttpResponse<byte[]> none = client.send("GET", "/v2/" + repo + "/referrers/" + sha256("no".getBytes()), scope, null);
    assertThat(none.statusCode()).isEqualTo(200);
    assertThat(json(none).get("manifests")).isEmpty();
  }

  @Test
  void crossRepositoryMountLinksOrFallsBackToUpload() throws Exception {
    byte[] content = randomBytes(2000);
    String digest = client.uploadBlob("contract/mount-src", content);
    String target = "contract/mount-dst";
    String scope = "repository:" + target + ":pull,push repository:contract/mount-src:pull";
    HttpResponse<byte[]> mounted = client.send("POST", "/v2/" + target + "/blobs/uploads/?mount=" + digest
        + "&from=contract/mount-src", null, null, "Authorization", "Bearer " + client.token(scope));
    assertThat(mounted.statusCode()).isEqualTo(201);
    assertThat(mounted.headers().firstValue("Location")).hasValue("/v2/" + target + "/blobs/" + digest);
    assertBlob(target, content);
    HttpResponse<byte[]> fallback = client.send("POST", "/v2/" + target + "/blobs/uploads/?mount=" + digest
        + "&from=contract/nowhere", push(target), null);
    assertThat(fallback.statusCode()).isEqualTo(202);
    assertThat(fallback.headers().firstValue("Location")).isPresent();
  }

  @Test
  void deletingTagsManifestsAndBlobs() throws Exception {
    String repo = "contract/deletes";
    byte[] manifest = client.pushImage(repo, "a", randomBytes(90));
    client.send("PUT", "/v2/" + repo + "/manifests/b", push(repo), manifest, "Content-Type",
        "application/vnd.oci.image.manifest.v1+json");
    String scope = "repository:" + repo + ":pull";
    assertThat(client.send("DELETE", "/v2/" + repo + "/manifests/a", push(repo), null).statusCode()).isEqualTo(202);
    assertThat(client.send("GET", "/v2/" + repo + "/manifests/a", scope, null).statusCode()).isEqualTo(404);
    assertThat(client.send("GET", "/v2/" + repo + "/manifests/b", scope, null).statusCode()).isEqualTo(200);
    assertThat(client.send("DELETE", "/v2/" + repo + "/manifests/a", push(repo), null).statusCode()).isEqualTo(404);
    assertThat(client.send("DELETE", "/v2/" + repo + "/manifests/" + sha256(manifest), push(repo), null).statusCode())
        .isEqualTo(202);
    assertThat(client.send("GET", "/v2/" + repo + "/manifests/b", scope, null).statusCode()).isEqualTo(404);
    String layer = RegistryClient.JSON.readTree(manifest).at("/layers/0/digest").asText();
    assertThat(client.send("DELETE", "/v2/" + repo + "/blobs/" + layer, push(repo), null).statusCode()).isEqualTo(202);
    assertThat(client.send("HEAD", "/v2/" + repo + "/blobs/" + layer, scope, null).statusCode()).isEqualTo(404);
  }

  @Test
  void tokensThatAreForeignTamperedOrShortOfScopeAreChallenged() throws Exception {
    String repo = "contract/tokens";
    client.pushImage(repo, "v1", randomBytes(10));
    String pullOnly = client.token("repository:" + repo + ":pull");
    HttpResponse<byte[]> pushWithPull = client.send("PUT", "/v2/" + repo + "/manifests/v2", null, "{}".getBytes(),
        "Authorization", "Bearer " + pullOnly, "Content-Type", "application/vnd.oci.image.manifest.v1+json");
    assertThat(pushWithPull.statusCode()).isEqualTo(401);
    assertThat(pushWithPull.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("insufficient_scope")
        .contains("scope=\"repository:" + repo + ":pull,push\"");
    String otherRepo = client.token("repository:contract/other:pull");
    assertThat(client.send("GET", "/v2/" + repo + "/manifests/v1", null, null, "Authorization", "Bearer " + otherRepo)
        .statusCode()).isEqualTo(401);
    String tampered = pullOnly.substring(0, pullOnly.lastIndexOf('.') + 1) + "AAAA" + pullOnly.substring(pullOnly.lastIndexOf('.') + 5);
    HttpResponse<byte[]> bad = client.send("GET", "/v2/" + repo + "/manifests/v1", null, null, "Authorization", "Bearer " + tampered);
    assertThat(bad.statusCode()).isEqualTo(401);
    assertThat(bad.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("invalid_token");
    RegistryClient stranger = new RegistryClient(registry.baseUrl(), "admin", "wrong-password-here");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> stranger.token("repository:" + repo + ":pull"))
        .hasMessageContaining("401");
    RegistryClient anonymous = new RegistryClient(registry.baseUrl(), null, null);
    String nothing = anonymous.token("repository:" + repo + ":pull");
    assertThat(anonymous.send("GET", "/v2/" + repo + "/manifests/v1", null, null, "Authorization", "Bearer " + nothing)
        .statusCode()).isEqualTo(401);
  }

  @Test
  void auditLogRecordsWritesInTheirOwnTransaction() throws Exception {
    String repo = "contract/audited";
    client.pushImage(repo, "v1", randomBytes(10));
    // Recorded in the push's own transaction: there when the push is acknowledged.
    HttpResponse<byte[]> audit = client.send("GET", "/api/v1/audit?repository=" + repo, null, null, "Authorization",
        "Basic " + java.util.Base64.getEncoder().encodeToString("admin:integration-test-password".getBytes()));
    assertThat(audit.statusCode()).isEqualTo(200);
    JsonNode items = json(audit).get("items");
    assertThat(items).extracting(n -> n.get("action").asText()).contains("repository.created", "manifest.pushed", "tag.pushed");
    for (JsonNode item : items) {
      if (item.get("action").asText().equals("manifest.pushed")) {
        assertThat(item.get("actor").asText()).isEqualTo("admin");
        assertThat(item.get("client").asText()).isEqualTo("127.0.0.1");
      }
    }
    HttpResponse<byte[]> anonymous = client.send("GET", "/api/v1/audit", null, null);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.headers().firstValue("Content-Type")).hasValue("application/problem+json");
  }

  @Test
  void sameBlobAndManifestPushedByManyClientsAtOnce() throws Exception {
    String repo = "contract/concurrent";
    byte[] layer = randomBytes(256 * 1024);
    byte[] config = "{\"os\":\"linux\",\"architecture\":\"amd64\"}".getBytes();
    int clients = 8;
    var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
    List<java.util.concurrent.Future<Integer>> results = new ArrayList<>();
    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    for (int i = 0; i < clients; i++) {
      boolean chunked = i % 2 == 0;
      results.add(pool.submit(() -> {
        go.await();
        if (!chunked) {
          client.uploadBlob(repo, layer);
          client.uploadBlob(repo, config);
          return 201;
        }
        HttpResponse<byte[]> started = client.send("POST", "/v2/" + repo + "/blobs/uploads/", push(repo), null);
        String location = started.headers().firstValue("Location").orElseThrow();
        int half = layer.length / 2;
        client.send("PATCH", location, push(repo), java.util.Arrays.copyOfRange(layer, 0, half), "Content-Range",
            "0-" + (half - 1));
        return client.send("PUT", RegistryClient.withQuery(location, "digest=") + sha256(layer), push(repo),
            java.util.Arrays.copyOfRange(layer, half, layer.length)).statusCode();
      }));
    }
    go.countDown();
    for (var result : results) {
      assertThat(result.get()).isEqualTo(201);
    }
    assertBlob(repo, layer);
    byte[] manifest = RegistryClient.manifest(sha256(config), config.length, sha256(layer), layer.length);
    List<java.util.concurrent.Future<HttpResponse<byte[]>>> puts = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      String tag = i % 2 == 0 ? "same" : "tag" + i;
      puts.add(pool.submit(() -> client.send("PUT", "/v2/" + repo + "/manifests/" + tag, push(repo), manifest,
          "Content-Type", "application/vnd.oci.image.manifest.v1+json")));
    }
    for (var put : puts) {
      assertThat(put.get().statusCode()).isEqualTo(201);
      assertThat(put.get().headers().firstValue("Docker-Content-Digest")).hasValue(sha256(manifest));
    }
    pool.close();
    HttpResponse<byte[]> got = client.send("GET", "/v2/" + repo + "/manifests/same", "repository:" + repo + ":pull", null);
    assertThat(got.body()).isEqualTo(manifest);
    assertThat(json(client.send("GET", "/v2/" + repo + "/tags/list", "repository:" + repo + ":pull", null)).get("tags"))
        .hasSize(5);
  }

  void assertBlob(String repo, byte[] content) throws Exception {
    HttpResponse<byte[]> got = client.send("GET", "/v2/" + repo + "/blobs/" + sha256(content), "repository:" + repo + ":pull", null);
    assertThat(got.statusCode()).isEqualTo(200);
    assertThat(got.body()).isEqualTo(content);
    assertThat(got.headers().firstValue("Docker-Content-Digest")).hasValue(sha256(content));
  }
}
