package io.portcullis.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The OpenAPI document lists exactly the operations the router serves (the running server is checked in the ITs). */
class OpenApiDocumentTest {
  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

  @Test
  void everyRoutedOperationIsDocumentedAndEveryDocumentedOneIsRouted() throws Exception {
    JsonMapper json = JsonMapper.builder().build();
    // Handlers are only stored, never run, so the routes can be listed without the services behind them.
    ApiV1 api = new ApiV1(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null, json, null);
    Set<String> routed = new TreeSet<>();
    api.routes().forEach(r -> routed.add(r.method() + " " + r.openApiPath()));

    assertThat(documented(json)).containsExactlyInAnyOrderElementsOf(routed);
  }

  @Test
  void servedJsonIsTheYamlConverted() throws Exception {
    JsonMapper json = JsonMapper.builder().build();
    OpenApiDocument document = OpenApiDocument.load(json);
    JsonNode fromJson = json.readTree(document.json());
    assertThat(fromJson.get("openapi").asText()).startsWith("3.1");
    assertThat(fromJson).isEqualTo(new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(document.yaml()));
    assertThat(fromJson.at("/components/schemas/Problem/properties/detail").isObject()).isTrue();
  }

  /** Every {@code METHOD /path} of the document; also checks that each of them declares its path parameters. */
  static Set<String> documented(JsonMapper json) throws Exception {
    JsonNode paths = json.readTree(OpenApiDocument.load(json).json()).get("paths");
    Set<String> operations = new TreeSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> path = it.next();
      path.getValue().fieldNames().forEachRemaining(method -> {
        if (METHODS.contains(method)) {
          operations.add(method.toUpperCase(java.util.Locale.ROOT) + " " + path.getKey());
          assertThat(path.getValue().get(method).has("responses")).as(method + " " + path.getKey()).isTrue();
        }
      });
    }
    return operations;
  }
}
