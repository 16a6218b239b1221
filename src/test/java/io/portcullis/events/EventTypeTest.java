package io.portcullis.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventTypeTest {
  @Test
  void theApiDocumentListsExactlyTheEventTypes() throws Exception {
    JsonNode document;
    try (InputStream in = EventTypeTest.class.getResourceAsStream("/openapi.yaml")) {
      document = new ObjectMapper(new YAMLFactory()).readTree(in);
    }
    List<String> documented = new ArrayList<>();
    document.at("/components/schemas/EventType/enum").forEach(n -> documented.add(n.asText()));
    assertThat(documented).containsExactlyElementsOf(Arrays.stream(EventType.values()).map(EventType::wireName).toList());
  }

  @Test
  void wireNamesRoundTripAndOnlyPullsAreReads() {
    for (EventType type : EventType.values()) {
      assertThat(EventType.fromWireName(type.wireName())).contains(type);
      assertThat(type.isRead()).isEqualTo(type == EventType.MANIFEST_PULLED || type == EventType.TAG_PULLED);
    }
    assertThat(EventType.fromWireName("user.invented")).isEmpty();
  }
}
