package io.portcullis.web.api;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.web.Exchange;
import org.eclipse.jetty.http.HttpHeader;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A JSON object request body with the fields an endpoint accepts. Unknown fields and wrongly typed
 * values are refused with a 400 naming the field, so a misspelt field never silently does nothing.
 */
final class JsonBody {
  /** Largest request body a management endpoint reads. */
  static final int MAX_BYTES = 64 * 1024;

  private final ObjectNode fields;

  private JsonBody(ObjectNode fields) {
    this.fields = fields;
  }

  /**
   * Reads the body; an empty body is an empty object.
   *
   * @throws Problem.Failure 400 for malformed JSON, a non-object, or a field outside {@code allowed};
   *                         413 for a body over {@value #MAX_BYTES} bytes
   */
  static JsonBody read(Exchange ex, ObjectMapper json, Set<String> allowed) throws IOException {
    if (ex.contentLength() != 0 && !isJson(ex.header(HttpHeader.CONTENT_TYPE))) {
      // A browser sends text/plain, form and multipart bodies across sites without asking first; only a
      // JSON content type forces a CORS preflight, so accepting nothing else closes that CSRF door.
      throw Problem.of(415, "request bodies must be application/json").failure();
    }
    byte[] bytes;
    try {
      bytes = ex.readBody(MAX_BYTES);
    } catch (Exchange.BodyTooLargeException e) {
      throw Problem.of(413, "request body exceeds " + MAX_BYTES + " bytes").failure();
    }
    if (bytes.length == 0) {
      return new JsonBody(json.createObjectNode());
    }
    JsonNode tree;
    try {
      tree = json.readTree(bytes);
    } catch (JacksonException e) {
      throw Problem.badRequest("request body is not valid JSON: " + e.getOriginalMessage()).failure();
    }
    if (!(tree instanceof ObjectNode object)) {
      throw Problem.badRequest("request body must be a JSON object").failure();
    }
    for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw Problem.badRequest("unknown field '" + name + "' (expected " + String.join(", ", allowed.stream()
            .sorted().toList()) + ")").failure();
      }
    }
    return new JsonBody(object);
  }

  private static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semicolon = contentType.indexOf(';');
    String mediaType = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(java.util.Locale.ROOT);
    return mediaType.equals("application/json") || (mediaType.startsWith("application/") && mediaType.endsWith("+json"));
  }

  boolean has(String name) {
    return fields.has(name);
  }

  /** A field as JSON, for a domain that reads its own shape (policy criteria); null when absent. */
  JsonNode node(String name) {
    return fields.get(name);
  }

  /** A string field; null when absent or JSON null. */
  String string(String name) {
    JsonNode value = fields.get(name);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw Problem.badRequest("field '" + name + "' must be a string").failure();
    }
    return value.textValue();
  }

  /** A string field that must be present and not blank. */
  String requiredString(String name) {
    String value = string(name);
    if (value == null || value.isBlank()) {
      throw Problem.badRequest("field '" + name + "' is required").failure();
    }
    return value;
  }

  /** A boolean field; null when absent. */
  Boolean bool(String name) {
    JsonNode value = fields.get(name);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isBoolean()) {
      throw Problem.badRequest("field '" + name + "' must be true or false").failure();
    }
    return value.booleanValue();
  }

  /** An RFC 3339 instant ({@code 2030-01-31T00:00:00Z}); null when absent. */
  Instant instant(String name) {
    String value = string(name);
    if (value == null) {
      return null;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw Problem.badRequest("field '" + name + "' must be an RFC 3339 time such as 2030-01-31T00:00:00Z").failure();
    }
  }

  /** An array of strings, or null when absent or JSON null (which some fields read as "all"). */
  List<String> nullableStrings(String name, int max) {
    JsonNode value = fields.get(name);
    return value == null || value.isNull() ? null : strings(name, max);
  }

  /** An integer field; null when absent or null. */
  Integer integer(String name) {
    JsonNode value = fields.get(name);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isInt()) {
      throw Problem.badRequest("field '" + name + "' must be an integer").failure();
    }
    return value.intValue();
  }

  /** An ISO-8601 duration ({@code PT15M}, {@code P30D}); null when absent or null. */
  java.time.Duration duration(String name) {
    String value = string(name);
    if (value == null) {
      return null;
    }
    try {
      return java.time.Duration.parse(value);
    } catch (java.time.format.DateTimeParseException e) {
      throw Problem.badRequest("field '" + name + "' must be an ISO-8601 duration such as PT15M or P30D").failure();
    }
  }

  /** A whole-number field within a long; null when absent or null. */
  Long longValue(String name) {
    JsonNode value = fields.get(name);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw Problem.badRequest("field '" + name + "' must be an integer").failure();
    }
    return value.longValue();
  }

  /** An array of strings; empty when absent. */
  List<String> strings(String name, int max) {
    JsonNode value = fields.get(name);
    if (value == null || value.isNull()) {
      return List.of();
    }
    if (!value.isArray() || value.size() > max) {
      throw Problem.badRequest("field '" + name + "' must be an array of at most " + max + " strings").failure();
    }
    List<String> result = new ArrayList<>();
    for (JsonNode item : value) {
      if (!item.isTextual()) {
        throw Problem.badRequest("field '" + name + "' must contain strings only").failure();
      }
      result.add(item.textValue());
    }
    return result;
  }

  /** An array of objects, each held to the fields {@code allowed}; empty when absent. */
  List<JsonBody> objects(String name, int max, Set<String> allowed) {
    JsonNode value = fields.get(name);
    if (value == null || value.isNull()) {
      return List.of();
    }
    if (!value.isArray() || value.size() > max) {
      throw Problem.badRequest("field '" + name + "' must be an array of at most " + max + " objects").failure();
    }
    List<JsonBody> result = new ArrayList<>();
    for (JsonNode item : value) {
      if (!(item instanceof ObjectNode object)) {
        throw Problem.badRequest("field '" + name + "' must contain objects only").failure();
      }
      for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
        String field = names.next();
        if (!allowed.contains(field)) {
          throw Problem.badRequest("unknown field '" + field + "' in '" + name + "' (expected " + String.join(", ",
              allowed.stream().sorted().toList()) + ")").failure();
        }
      }
      result.add(new JsonBody(object));
    }
    return result;
  }
}
