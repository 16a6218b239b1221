package io.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** The CLI's view of a running server: REST calls with basic credentials, problems turned into errors. */
final class ApiClient {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String baseUrl;
  private final String authorization;
  private final ObjectMapper json = new ObjectMapper();

  ApiClient(String baseUrl, String user, String password) {
    this.baseUrl = baseUrl.replaceAll("/+$", "");
    this.authorization = user == null ? null
        : "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /** A refused call: the server's problem detail, ready for the user. */
  static final class Failure extends RuntimeException {
    Failure(String message) {
      super(message);
    }
  }

  JsonNode get(String path) throws IOException, InterruptedException {
    return send(request(path).GET());
  }

  JsonNode post(String path, HttpRequest.BodyPublisher body, String contentType) throws IOException, InterruptedException {
    return send(request(path).header("Content-Type", contentType).POST(body));
  }

  /** A call with a JSON body (null: none); answers the JSON body, or an empty object for 204. */
  JsonNode call(String method, String path, JsonNode body) throws IOException, InterruptedException {
    HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body));
    return send(request(path).header("Content-Type", "application/json").method(method, publisher));
  }

  /** Every item of a paginated list, following its {@code next} links. */
  ArrayNode getAll(String path) throws IOException, InterruptedException {
    ArrayNode all = json.createArrayNode();
    String next = path;
    while (next != null) {
      JsonNode page = get(next);
      all.addAll((ArrayNode) page.path("items"));
      next = page.hasNonNull("next") ? page.get("next").asText().substring("/api/v1".length()) : null;
    }
    return all;
  }

  /** A request for {@code path} below /api/v1; the path part is percent-encoded here, the query must be already. */
  private HttpRequest.Builder request(String path) {
    int question = path.indexOf('?');
    String rawPath;
    try {
      rawPath = new URI(null, null, question < 0 ? path : path.substring(0, question), null).getRawPath();
    } catch (URISyntaxException e) {
      throw new Failure("invalid path " + path + ": " + e.getMessage());
    }
    String query = question < 0 ? "" : path.substring(question);
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1" + rawPath + query));
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    return builder;
  }

  private JsonNode send(HttpRequest.Builder request) throws IOException, InterruptedException {
    HttpResponse<byte[]> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (java.net.ConnectException e) {
      throw new Failure("cannot reach " + baseUrl + " (is the server running? --url / PORTCULLIS_URL)");
    }
    JsonNode body = response.body().length == 0 ? json.createObjectNode() : json.readTree(response.body());
    if (response.statusCode() >= 400) {
      String detail = body.path("detail").asText(body.path("title").asText("HTTP " + response.statusCode()));
      throw new Failure(detail + " (HTTP " + response.statusCode() + ")");
    }
    return body;
  }
}
