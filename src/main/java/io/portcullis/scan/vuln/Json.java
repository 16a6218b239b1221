package io.portcullis.scan.vuln;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** Tolerant-but-checked accessors over Jackson trees shared by the importers. */
final class Json {

  static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  static String text(JsonNode node, String field, String source) throws AdvisoryFormatException {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isValueNode()) {
      throw new AdvisoryFormatException(source, "'" + field + "' is not a string");
    }
    return value.asText();
  }

  static List<String> strings(JsonNode node, String field, String source) throws AdvisoryFormatException {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return List.of();
    }
    if (!value.isArray()) {
      throw new AdvisoryFormatException(source, "'" + field + "' is not an array");
    }
    List<String> out = new ArrayList<>(value.size());
    for (JsonNode element : value) {
      if (!element.isTextual()) {
        throw new AdvisoryFormatException(source, "'" + field + "' holds a non-string element");
      }
      out.add(element.asText());
    }
    return out;
  }

  static Iterable<JsonNode> array(JsonNode node, String field, String source) throws AdvisoryFormatException {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return List.of();
    }
    if (!value.isArray()) {
      throw new AdvisoryFormatException(source, "'" + field + "' is not an array");
    }
    return value;
  }

  static JsonNode object(JsonNode node, String field, String source) throws AdvisoryFormatException {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isObject()) {
      throw new AdvisoryFormatException(source, "'" + field + "' is not an object");
    }
    return value;
  }

  static Instant timestamp(JsonNode node, String field, String source) throws AdvisoryFormatException {
    String text = text(node, field, source);
    if (text == null || text.isEmpty()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw new AdvisoryFormatException(source, "'" + field + "' is not an RFC 3339 timestamp: " + text, e);
    }
  }
}
