package io.portcullis.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.policy.Candidate;
import io.portcullis.policy.Criterion;
import io.portcullis.registry.ManifestService.TaggedManifest;
import io.portcullis.shared.Digest;
import io.portcullis.shared.RepositoryName;
import io.portcullis.shared.Tag;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {
  static final Instant NOW = Instant.parse("2030-06-01T00:00:00Z");
  static final RepositoryName REPO = RepositoryName.of("hub/app");

  /** For policies without criteria: never asked. */
  static final Function<Tag, Optional<Candidate>> NO_CANDIDATES = tag -> {
    throw new AssertionError("a policy without criteria loaded " + tag);
  };

  static TaggedManifest tag(String name, String content, int daysAgo) {
    return new TaggedManifest(new Tag(name), Digest.sha256(content.getBytes(StandardCharsets.UTF_8)),
        NOW.minus(Duration.ofDays(daysAgo)));
  }

  static RetentionPolicy policy(List<String> include, List<String> exclude, int keep, Duration olderThan) {
    return new RetentionPolicy(REPO, include, exclude, keep, olderThan, List.of(), true, null, true, NOW, "alice");
  }

  static List<String> pruned(List<RetentionPolicy.Verdict> verdicts) {
    return verdicts.stream().filter(RetentionPolicy.Verdict::prune).map(v -> v.tagged().tag().value()).toList();
  }

  @Test
  void keepsTheNewestNOfTheSelectedTagsAndJudgesEachTagAlone() {
    List<TaggedManifest> tags = List.of(tag("v1", "a", 50), tag("v2", "b", 40), tag("v3", "c", 30),
        tag("latest", "a", 1), tag("dev-1", "d", 60));
    List<RetentionPolicy.Verdict> verdicts = policy(List.of(), List.of("dev-*"), 2, null).evaluate(tags, t -> false, NOW, NO_CANDIDATES);
    // latest shares v1's manifest: v1 goes as a tag, latest stays, and with it the manifest.
    assertThat(pruned(verdicts)).containsExactly("v2", "v1");
    assertThat(verdicts).filteredOn(v -> v.tagged().tag().value().equals("dev-1")).singleElement()
        .satisfies(v -> assertThat(v.reason()).startsWith("not selected"));
    assertThat(verdicts).filteredOn(v -> v.tagged().tag().value().equals("v1")).singleElement()
        .satisfies(v -> assertThat(v.reason()).contains("number 4, beyond the 2 newest"));
  }

  @Test
  void byAgeAloneOrTogetherWithACount() {
    List<TaggedManifest> tags = List.of(tag("v1", "a", 50), tag("v2", "b", 40), tag("v3", "c", 10), tag("v4", "d", 5));
    assertThat(pruned(policy(List.of(), List.of(), 0, Duration.ofDays(30)).evaluate(tags, t -> false, NOW, NO_CANDIDATES)))
        .containsExactly("v2", "v1");
    assertThat(pruned(policy(List.of(), List.of(), 3, Duration.ofDays(30)).evaluate(tags, t -> false, NOW, NO_CANDIDATES)))
        .as("both must hold").containsExactly("v1");
    assertThat(pruned(policy(List.of("v?"), List.of("v1"), 1, null).evaluate(tags, t -> false, NOW, NO_CANDIDATES)))
        .containsExactly("v3", "v2");
  }

  @Test
  void immutableTagsAreKeptAndSaidToBe() {
    List<TaggedManifest> tags = List.of(tag("v1", "a", 50), tag("v2", "b", 40), tag("v3", "c", 30));
    List<RetentionPolicy.Verdict> verdicts = policy(List.of(), List.of(), 1, null)
        .evaluate(tags, Set.of(new Tag("v1"))::contains, NOW, NO_CANDIDATES);
    assertThat(pruned(verdicts)).containsExactly("v2");
    assertThat(verdicts.getLast().reason()).isEqualTo("kept: the tag is immutable");
  }

  @Test
  void tagsTaggedAtTheSameInstantRankTheSameWayEveryTime() {
    List<TaggedManifest> tags = List.of(tag("b", "b", 1), tag("a", "a", 1), tag("c", "c", 1));
    RetentionPolicy keepOne = policy(List.of(), List.of(), 1, null);
    assertThat(pruned(keepOne.evaluate(tags, t -> false, NOW, NO_CANDIDATES))).containsExactly("b", "c");
    assertThat(pruned(keepOne.evaluate(tags.reversed(), t -> false, NOW, NO_CANDIDATES))).containsExactly("b", "c");
  }

  @Test
  void criteriaMustAllHoldForATagTheOtherRulesWouldPrune() {
    List<TaggedManifest> tags = List.of(tag("v1", "a", 50), tag("v2", "b", 40), tag("rc-3", "c", 30),
        tag("v4", "d", 1));
    RetentionPolicy policy = new RetentionPolicy(REPO, List.of(), List.of(), 1, null,
        List.of(new Criterion.TagMatches(null, "v[0-9]+")), true, null, true, NOW, "alice");
    List<String> asked = new java.util.ArrayList<>();
    List<RetentionPolicy.Verdict> verdicts = policy.evaluate(tags, t -> false, NOW, tag -> {
      asked.add(tag.value());
      TaggedManifest t = tags.stream().filter(x -> x.tag().equals(tag)).findFirst().orElseThrow();
      return Optional.of(new Candidate(REPO, tag, t.digest(), "application/vnd.oci.image.manifest.v1+json", List.of(),
          NOW));
    });
    assertThat(pruned(verdicts)).containsExactly("v2", "v1");
    assertThat(asked).as("the newest, kept by count, is not loaded").containsExactly("rc-3", "v2", "v1");
    assertThat(verdicts).filteredOn(v -> v.tagged().tag().value().equals("rc-3")).singleElement()
        .satisfies(v -> assertThat(v.reason()).isEqualTo("kept: tag 'rc-3' does not match regex 'v[0-9]+'"));
    assertThat(verdicts).filteredOn(v -> v.tagged().tag().value().equals("v1")).singleElement()
        .satisfies(v -> assertThat(v.reason()).endsWith("and tag 'v1' matches regex 'v[0-9]+'"));
  }

  @Test
  void aPolicyThatWouldPruneEverythingItSelectsIsRefused() {
    assertThatThrownBy(() -> policy(List.of(), List.of(), 0, null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs keepNewest, olderThan or criteria");
    assertThatThrownBy(() -> policy(List.of(), List.of(), -1, null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> policy(List.of(""), List.of(), 1, null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetentionPolicy(REPO, List.of(), List.of(), 1, null, List.of(), true,
        Duration.ofMinutes(1), true, NOW, "alice")).hasMessageContaining("interval must be at least");
  }
}
