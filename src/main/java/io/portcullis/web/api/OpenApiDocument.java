package io.portcullis.web.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The OpenAPI 3.1 description of {@code /api/v1} ({@code openapi.yaml} on the class path), as served:
 * the YAML as written and the same document converted to JSON. Loaded once; immutable.
 */
public record OpenApiDocument(byte[] yaml, byte[] json) {
  /** Where the document lives on the class path. */
  public static final String RESOURCE = "/openapi.yaml";

  /** @throws IllegalStateException if the document is missing or not valid YAML (a build defect) */
  public static OpenApiDocument load(ObjectMapper json) {
    try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the class path");
      }
      byte[] yaml = in.readAllBytes();
      JsonNode tree = new YAMLMapper().readTree(yaml);
      return new OpenApiDocument(yaml, json.writeValueAsBytes(tree));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }
}
