package io.portcullis.webhooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.events.Event;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bodies of deliveries. Version 1 of the Portcullis payload always has every field (null where it
 * does not apply), so receivers can rely on the shape; new fields may be added within a version, never
 * removed or changed. CloudEvents carry the same object as {@code data}. docs/webhooks.md documents both.
 */
final class Payloads {
  static final int VERSION = 1;
  /** The CloudEvents {@code type} prefix: reverse DNS, as the specification recommends. */
  static final String CLOUDEVENTS_TYPE_PREFIX = "io.portcullis.";

  private final ObjectMapper json;
  private final String source;

  /** @param source the CloudEvents {@code source}: the registry's public URL, or a name for it */
  Payloads(ObjectMapper json, String source) {
    this.json = json;
    this.source = source;
  }

  byte[] event(Event event, PayloadFormat format) {
    return write(format, body("evt_" + event.id(), event.type().wireName(), event.at(),
        event.repository() == null ? null : event.repository().value(),
        event.digest() == null ? null : event.digest().toString(), event.tag() == null ? null : event.tag().value(),
        event.mediaType(), event.caller().actor(), event.detail()));
  }

  /** A test message: no event of the log, just proof that the webhook reaches its receiver. */
  byte[] ping(long webhookId, String messageId, Instant at, PayloadFormat format) {
    return write(format, body(messageId, WebhookEvents.PING, at, null, null, null, null, null,
        Map.of("webhook", Long.toString(webhookId))));
  }

  private ObjectNode body(String id, String type, Instant at, String repository, String digest, String tag,
      String mediaType, String actor, Map<String, String> detail) {
    ObjectNode body = json.createObjectNode();
    body.put("version", VERSION);
    body.put("id", id);
    body.put("type", type);
    body.put("occurredAt", at.toString());
    body.put("repository", repository);
    body.put("digest", digest);
    body.put("tag", tag);
    body.put("mediaType", mediaType);
    body.put("actor", actor);
    ObjectNode facts = body.putObject("detail");
    new TreeMap<>(detail).forEach(facts::put);
    return body;
  }

  private byte[] write(PayloadFormat format, ObjectNode payload) {
    ObjectNode document = payload;
    if (format == PayloadFormat.CLOUDEVENTS) {
      document = json.createObjectNode();
      document.put("specversion", "1.0");
      document.put("id", payload.get("id").asText());
      document.put("source", source);
      document.put("type", CLOUDEVENTS_TYPE_PREFIX + payload.get("type").asText());
      // Optional attributes are left out rather than null, as CloudEvents asks.
      if (!payload.get("repository").isNull()) {
        document.put("subject", payload.get("repository").asText());
      }
      document.put("time", payload.get("occurredAt").asText());
      document.put("datacontenttype", "application/json");
      document.set("data", payload);
    }
    try {
      return json.writeValueAsBytes(document);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
