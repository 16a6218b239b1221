package io.portcullis.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A minimal registry client for protocol-level tests: raw requests with the token flow done for us. */
final class RegistryClient {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final String baseUrl;
  private final String basic;
  private final Map<String, String> tokens = new ConcurrentHashMap<>();

  RegistryClient(String baseUrl, String user, String password) {
    this.baseUrl = baseUrl;
    this.basic = user == null ? null
        : "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  String baseUrl() {
    return baseUrl;
  }

  /** A token for {@code scope} from the token endpoint, cached per scope. */
  String token(String scope) throws IOException, InterruptedException {
    String cached = tokens.get(scope);
    if (cached != null) {
      return cached;
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/auth/token?service=portcullis&scope="
        + URLEncoder.encode(scope, StandardCharsets.UTF_8)));
    if (basic != null) {
      request.header("Authorization", basic);
    }
    HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("token request failed: " + response.statusCode() + " " + response.body());
    }
    String token = JSON.readTree(response.body()).get("token").asText();
    tokens.put(scope, token);
    return token;
  }

  HttpResponse<byte[]> send(String method, String path, String scope, byte[] body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : baseUrl + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    if (scope != null) {
      request.header("Authorization", "Bearer " + token(scope));
    }
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** A REST call below /api/v1 with a JSON body (null: none), as {@code authorization} (null: anonymously). */
  HttpResponse<byte[]> api(String authorization, String method, String path, String body)
      throws IOException, InterruptedException {
    List<String> headers = new java.util.ArrayList<>(List.of("Content-Type", "application/json"));
    if (authorization != null) {
      headers.addAll(List.of("Authorization", authorization));
    }
    return send(method, "/api/v1" + path, null, body == null ? null : body.getBytes(StandardCharsets.UTF_8),
        headers.toArray(String[]::new));
  }

  /** Adds a query parameter to a Location URL that may already carry one (as upload URLs do). */
  static String withQuery(String location, String parameter) {
    return location + (location.indexOf('?') < 0 ? "?" : "&") + parameter;
  }

  static String push(String repo) {
    return "repository:" + repo + ":pull,push,delete";
  }

  /** Uploads a blob monolithically; returns its digest. */
  String uploadBlob(String repo, byte[] content) throws IOException, InterruptedException {
    String digest = sha256(content);
    HttpResponse<byte[]> response = send("POST", "/v2/" + repo + "/blobs/uploads/?digest=" + digest, push(repo), content,
        "Content-Type", "application/octet-stream");
    if (response.statusCode() != 201) {
      throw new IOException("blob upload failed: " + response.statusCode() + " " + new String(response.body()));
    }
    return digest;
  }

  /** Pushes a one-layer OCI image with the given layer and returns the manifest bytes. */
  byte[] pushImage(String repo, String tag, byte[] layer) throws IOException, InterruptedException {
    byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
        + sha256(layer) + "\"]}}").getBytes(StandardCharsets.UTF_8);
    String configDigest = uploadBlob(repo, config);
    String layerDigest = uploadBlob(repo, layer);
    byte[] manifest = manifest(configDigest, config.length, layerDigest, layer.length);
    HttpResponse<byte[]> response = send("PUT", "/v2/" + repo + "/manifests/" + tag, push(repo), manifest,
        "Content-Type", "application/vnd.oci.image.manifest.v1+json");
    if (response.statusCode() != 201) {
      throw new IOException("manifest push failed: " + response.statusCode() + " " + new String(response.body()));
    }
    return manifest;
  }

  static byte[] manifest(String configDigest, long configSize, String layerDigest, long layerSize) {
    return ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest
        + "\",\"size\":" + configSize + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
        + "\"digest\":\"" + layerDigest + "\",\"size\":" + layerSize + "}]}").getBytes(StandardCharsets.UTF_8);
  }

  static String sha256(byte[] content) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonNode json(HttpResponse<byte[]> response) throws IOException {
    return JSON.readTree(response.body());
  }

  static String errorCode(HttpResponse<byte[]> response) throws IOException {
    return json(response).get("errors").get(0).get("code").asText();
  }
}
