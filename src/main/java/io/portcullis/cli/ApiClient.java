package io.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
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

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1" + path));
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
