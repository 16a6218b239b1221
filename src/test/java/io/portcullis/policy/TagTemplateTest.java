package io.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TagTemplateTest {
  private static final String HEX = "8ec6cdfd425c062fd97f0a40ca3ef3bb8038e9cbfb4e3118270e1d407f60f4e2";
  private static final TagTemplate.Values VALUES = new TagTemplate.Values("3.16.9", HEX,
      Instant.parse("2026-12-06T23:30:00Z"), "linux-arm64-v8", 42);

  private static String render(String template) {
    return new TagTemplate(template).apply(VALUES).orElseThrow().value();
  }

  @Test
  void everyPlaceholder() {
    assertThat(render("{tag}")).isEqualTo("3.16.9");
    assertThat(render("{tag}-{digest:12}")).isEqualTo("3.16.9-8ec6cdfd425c");
    assertThat(render("sha256-{digest}")).isEqualTo("sha256-" + HEX);
    assertThat(render("{date}")).isEqualTo("20261206");
    assertThat(render("{tag}-{date:yyyyMMdd.HHmm}")).isEqualTo("3.16.9-20261206.2330");
    assertThat(render("{tag}-{platform}")).isEqualTo("3.16.9-linux-arm64-v8");
    assertThat(render("build-{n}")).isEqualTo("build-42");
    assertThat(new TagTemplate(null).template()).isEqualTo("{tag}");
    assertThat(new TagTemplate("{tag}-{platform}").usesPlatform()).isTrue();
  }

  @Test
  void aTagTooLongAfterFillingInIsNoTag() {
    TagTemplate.Values longTag = new TagTemplate.Values("t".repeat(100), HEX, Instant.EPOCH, "linux-amd64", 1);
    assertThat(new TagTemplate("{tag}-{digest}").apply(longTag)).isEmpty();
    assertThat(new TagTemplate("{tag}-{digest:12}").apply(longTag)).isPresent();
  }

  @Test
  void badTemplatesAreRefusedWithTheReason() {
    assertThatThrownBy(() -> new TagTemplate("{version}")).hasMessageContaining("unknown placeholder {version}");
    assertThatThrownBy(() -> new TagTemplate("{digest:0}")).hasMessageContaining("N from 1 to 64");
    assertThatThrownBy(() -> new TagTemplate("{tag:x}")).hasMessageContaining("takes no argument");
    assertThatThrownBy(() -> new TagTemplate("{date:yyyy/MM}")).hasMessageContaining("does not make valid tags");
    assertThatThrownBy(() -> new TagTemplate("-{tag}")).hasMessageContaining("does not make valid tags");
  }
}
