package io.portcullis.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.events.Event;
import io.portcullis.events.EventType;
import io.portcullis.shared.Caller;
import io.portcullis.shared.Digest;
import io.portcullis.shared.RepositoryName;
import io.portcullis.shared.Tag;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PayloadsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Digest DIGEST = Digest.parse("sha256:" + "ab".repeat(32));
  private final Payloads payloads = new Payloads(JSON, "https://registry.example.com");
  private final Event pushed = new Event(42, EventType.TAG_PUSHED, Instant.parse("2030-01-02T03:04:05.678Z"),
      new Caller("alice", "10.0.0.1", "req-1"), RepositoryName.of("acme/app"), DIGEST, new Tag("v1"),
      "application/vnd.oci.image.manifest.v1+json", null, Map.of("b", "2", "a", "1"));

  @Test
  void theVersionOnePayloadHasEveryFieldInOrder() throws Exception {
    JsonNode body = JSON.readTree(payloads.event(pushed, PayloadFormat.PORTCULLIS));
    assertThat(fieldNames(body)).containsExactly("version", "id", "type", "occurredAt", "repository", "digest", "tag",
        "mediaType", "actor", "detail");
    assertThat(body.get("version").asInt()).isEqualTo(1);
    assertThat(body.get("id").asText()).isEqualTo("evt_42");
    assertThat(body.get("type").asText()).isEqualTo("tag.pushed");
    assertThat(body.get("occurredAt").asText()).isEqualTo("2030-01-02T03:04:05.678Z");
    assertThat(body.get("repository").asText()).isEqualTo("acme/app");
    assertThat(body.get("digest").asText()).isEqualTo(DIGEST.toString());
    assertThat(body.get("tag").asText()).isEqualTo("v1");
    assertThat(body.get("actor").asText()).isEqualTo("alice");
    assertThat(fieldNames(body.get("detail"))).containsExactly("a", "b");
    assertThat(body.toString()).as("the client address and request id stay in the audit log").doesNotContain("10.0.0.1")
        .doesNotContain("req-1");
  }

  @Test
  void fieldsThatDoNotApplyAreNullNotMissing() throws Exception {
    JsonNode ping = JSON.readTree(payloads.ping(7, "ping_99", Instant.parse("2030-01-01T00:00:00Z"), PayloadFormat.PORTCULLIS));
    assertThat(ping.get("id").asText()).isEqualTo("ping_99");
    assertThat(ping.get("type").asText()).isEqualTo("webhook.ping");
    for (String field : List.of("repository", "digest", "tag", "mediaType", "actor")) {
      assertThat(ping.has(field)).isTrue();
      assertThat(ping.get(field).isNull()).as(field).isTrue();
    }
    assertThat(ping.get("detail").get("webhook").asText()).isEqualTo("7");
  }

  @Test
  void cloudEventsCarryThePayloadAsData() throws Exception {
    JsonNode event = JSON.readTree(payloads.event(pushed, PayloadFormat.CLOUDEVENTS));
    assertThat(event.get("specversion").asText()).isEqualTo("1.0");
    assertThat(event.get("id").asText()).isEqualTo("evt_42");
    assertThat(event.get("source").asText()).isEqualTo("https://registry.example.com");
    assertThat(event.get("type").asText()).isEqualTo("io.portcullis.tag.pushed");
    assertThat(event.get("subject").asText()).isEqualTo("acme/app");
    assertThat(event.get("time").asText()).isEqualTo("2030-01-02T03:04:05.678Z");
    assertThat(event.get("datacontenttype").asText()).isEqualTo("application/json");
    assertThat(event.get("data")).isEqualTo(JSON.readTree(payloads.event(pushed, PayloadFormat.PORTCULLIS)));

    JsonNode ping = JSON.readTree(payloads.ping(7, "ping_99", Instant.EPOCH, PayloadFormat.CLOUDEVENTS));
    assertThat(ping.has("subject")).as("optional attributes are omitted, not null").isFalse();
  }

  @Test
  void theSameEventAlwaysHasTheSameBytes() {
    assertThat(payloads.event(pushed, PayloadFormat.PORTCULLIS)).isEqualTo(payloads.event(pushed, PayloadFormat.PORTCULLIS));
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
