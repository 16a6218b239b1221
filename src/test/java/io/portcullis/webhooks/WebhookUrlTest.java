package io.portcullis.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookUrlTest {
  @Test
  void checksTheFormOfUrls() {
    assertThat(WebhookUrl.parse("https://hooks.example.com/in?team=ci").getHost()).isEqualTo("hooks.example.com");
    assertThat(WebhookUrl.parse("http://[2606:4700::1]:8080/x").getPort()).isEqualTo(8080);
    for (Map.Entry<String, String> bad : Map.of(
        "ftp://example.com/", "http:// or https://",
        "file:///etc/passwd", "http:// or https://",
        "https://user:secret@example.com/", "user info",
        "https://user@example.com/", "user info",
        "https:///path", "no host",
        "https://example.com/#frag", "fragment",
        "https://exa mple.com/", "not a valid URL",
        "example.com/hook", "http:// or https://",
        "", "required").entrySet()) {
      assertThatThrownBy(() -> WebhookUrl.parse(bad.getKey())).as(bad.getKey())
          .isInstanceOf(WebhookException.class).hasMessageContaining(bad.getValue())
          .satisfies(e -> assertThat(((WebhookException) e).reason()).isEqualTo(WebhookException.Reason.INVALID));
    }
    assertThatThrownBy(() -> WebhookUrl.parse("https://example.com/" + "a".repeat(2048)))
        .hasMessageContaining("longer than 2048");
  }
}
