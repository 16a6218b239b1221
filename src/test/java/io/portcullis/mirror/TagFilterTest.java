package io.portcullis.mirror;

import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TagFilterTest {
  private static final List<String> TAGS = List.of("latest", "3.18", "3.18.4", "3.19", "3.19.1", "3.19.1-rc1",
      "3.20.0", "edge", "v2.0.0", "1.2.3-alpine", "0.2.5", "0.3.0", "4");

  private static List<String> filter(List<String> include, List<String> exclude, String regex, String semver,
      int newest) {
    return new TagFilter(include, exclude, regex, semver, newest).apply(TAGS);
  }

  @Test
  void everythingWithoutAFilter() {
    assertThat(TagFilter.ALL.apply(TAGS)).isEqualTo(TAGS);
  }

  @Test
  void globsIncludeAndExclude() {
    assertThat(filter(List.of("3.1?*"), List.of(), null, null, 0))
        .containsExactly("3.18", "3.18.4", "3.19", "3.19.1", "3.19.1-rc1");
    assertThat(filter(List.of("3.*"), List.of("*-rc*", "3.18*"), null, null, 0))
        .containsExactly("3.19", "3.19.1", "3.20.0");
    assertThat(filter(List.of(), List.of("latest", "edge"), null, null, 0)).doesNotContain("latest", "edge")
        .hasSize(TAGS.size() - 2);
    assertThat(filter(List.of("3.1"), List.of(), null, null, 0)).as("dots are literal, globs whole").isEmpty();
  }

  @Test
  void regexMatchesTheWholeTag() {
    assertThat(filter(List.of(), List.of(), "3\\.19(\\.\\d+)?", null, 0)).containsExactly("3.19", "3.19.1");
  }

  @Test
  void semverRanges() {
    assertThat(filter(List.of(), List.of(), null, ">=3.19 <4", 0)).containsExactly("3.19", "3.19.1", "3.20.0");
    assertThat(filter(List.of(), List.of(), null, "~3.18", 0)).containsExactly("3.18", "3.18.4");
    assertThat(filter(List.of(), List.of(), null, "^3.18.4", 0)).containsExactly("3.18.4", "3.19", "3.19.1",
        "3.20.0");
    assertThat(filter(List.of(), List.of(), null, "^0.2", 0)).containsExactly("0.2.5");
    assertThat(filter(List.of(), List.of(), null, "3.19.x || 2", 0)).containsExactly("3.19", "3.19.1", "v2.0.0");
    assertThat(filter(List.of(), List.of(), null, ">3.19 <=3.20", 0)).as("partial bounds cover their whole minor")
        .containsExactly("3.20.0");
    assertThat(filter(List.of(), List.of(), null, "=3.19.1", 0)).containsExactly("3.19.1");
    assertThat(filter(List.of(), List.of(), null, ">=3.19.1-rc1 <3.19.1", 0)).as("suffixes only when asked for")
        .containsExactly("3.19.1-rc1");
    assertThat(filter(List.of(), List.of(), null, ">=4", 0)).containsExactly("4");
  }

  @Test
  void newestKeepsTheHighestVersions() {
    assertThat(filter(List.of(), List.of(), null, null, 3)).containsExactly("4", "3.20.0", "3.19.1");
    assertThat(filter(List.of("3.18*"), List.of(), null, null, 5)).containsExactly("3.18.4", "3.18");
    assertThat(filter(List.of(), List.of(), null, "~3.19", 1)).containsExactly("3.19.1");
  }

  @Test
  void semverOrdersSuffixesFirst() {
    assertThat(SemVer.parse("3.19.1-rc1").orElseThrow()).isLessThan(SemVer.parse("3.19.1").orElseThrow());
    assertThat(SemVer.parse("v3").orElseThrow()).isEqualTo(new SemVer(3, 0, 0, ""));
    assertThat(SemVer.parse("latest")).isEmpty();
    assertThat(SemVer.parse("1.2.3.4")).isEmpty();
  }

  @Test
  void invalidFiltersAreRefusedWithTheReason() {
    assertThatThrownBy(() -> new TagFilter(List.of(), List.of(), "(", null, 0)).hasMessageContaining("regex");
    assertThatThrownBy(() -> new TagFilter(List.of(), List.of(), null, ">=three", 0))
        .hasMessageContaining("'>=three' is not a comparator");
    assertThatThrownBy(() -> new TagFilter(List.of(), List.of(), null, "1 || ", 0))
        .hasMessageContaining("empty alternative");
    assertThatThrownBy(() -> new TagFilter(List.of(), List.of(), null, null, -1)).hasMessageContaining("newest");
    assertThatThrownBy(() -> new TagFilter(List.of(""), List.of(), null, null, 0)).hasMessageContaining("glob");
  }

  @Test
  void platformsMatchWithOrWithoutVariant() {
    PlatformFilter filter = new PlatformFilter(List.of("linux/amd64", "Linux/ARM64/v8"));
    assertThat(filter.matches("linux", "amd64", null)).isTrue();
    assertThat(filter.matches("linux", "arm64", "v8")).isTrue();
    assertThat(filter.matches("linux", "arm64", null)).isFalse();
    assertThat(filter.matches("linux", "arm", "v7")).isFalse();
    assertThat(filter.matches(null, null, null)).as("attestations go with a platform filter").isFalse();
    assertThat(PlatformFilter.ALL.matches(null, null, null)).isTrue();
    assertThatThrownBy(() -> new PlatformFilter(List.of("amd64"))).hasMessageContaining("os/architecture");
  }

  @Test
  void tagTemplates() {
    assertThat(new TagTemplate("{tag}-hub").apply("3.19").orElseThrow().value()).isEqualTo("3.19-hub");
    assertThat(new TagTemplate(null).apply("x").orElseThrow().value()).isEqualTo("x");
    assertThat(new TagTemplate("{tag}-" + "x".repeat(120)).apply("a".repeat(10))).isEmpty();
    assertThatThrownBy(() -> new TagTemplate("fixed")).hasMessageContaining("must contain {tag}");
    assertThatThrownBy(() -> new TagTemplate("-{tag}")).hasMessageContaining("valid tags");
  }
}
