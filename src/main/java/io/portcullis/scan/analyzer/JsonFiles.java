package io.portcullis.scan.analyzer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** JSON parsing for analyzers; Jackson's default read constraints bound nesting and token sizes. */
final class JsonFiles {

  private static final ObjectMapper MAPPER = JsonMapper.builder().build();

  private JsonFiles() {}

  static JsonNode parse(AnalyzedFile file) throws IOException {
    return parse(file.bytes(), file.path());
  }

  static JsonNode parse(byte[] content, String what) throws IOException {
    try {
      JsonNode node = MAPPER.readTree(content);
      if (node == null) {
        throw new MalformedContentException(what + ": empty JSON document");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new MalformedContentException(what + ": invalid JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** A text field, or null when absent, not text or blank. */
  static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() && !value.asText().isBlank() ? value.asText().strip() : null;
  }

  /**
   * Declared licenses in the shapes package manifests use: {@code "MIT"}, {@code {"type": "MIT"}},
   * or an array of either.
   */
  static List<String> licenses(JsonNode license) {
    List<String> declared = new ArrayList<>();
    if (license == null) {
      return declared;
    }
    if (license.isArray()) {
      for (JsonNode element : license) {
        declared.addAll(licenses(element));
      }
    } else if (license.isTextual()) {
      declared.add(license.asText());
    } else if (license.isObject() && license.path("type").isTextual()) {
      declared.add(license.path("type").asText());
    }
    return Licenses.normalizeAll(declared);
  }
}
