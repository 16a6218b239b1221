package io.portcullis.mirror.upstream;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HeaderParsingTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void bearerChallengeKeepsCommasInsideQuotedScopes() {
    Challenge c = Challenge.parse("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
        + "scope=\"repository:library/alpine:pull,push\"").orElseThrow();
    assertThat(c.isBearer()).isTrue();
    assertThat(c.params()).containsExactlyInAnyOrderEntriesOf(Map.of("realm", "https://auth.docker.io/token",
        "service", "registry.docker.io", "scope", "repository:library/alpine:pull,push"));
  }

  @Test
  void challengeSchemesAndNamesAreCaseInsensitiveAndTokensMayBeUnquoted() {
    Challenge c = Challenge.parse("basic Realm=Registry, charset=\"UTF-8\"").orElseThrow();
    assertThat(c.isBasic()).isTrue();
    assertThat(c.param("realm")).contains("Registry");
    assertThat(c.param("charset")).contains("UTF-8");
    assertThat(Challenge.parse("Bearer realm=\"a\\\"b\"").orElseThrow().param("realm")).contains("a\"b");
  }

  @Test
  void onlyTheFirstOfSeveralChallengesIsRead() {
    Challenge c = Challenge.parse("Bearer realm=\"https://t\", Basic realm=\"x\"").orElseThrow();
    assertThat(c.params()).containsOnlyKeys("realm").containsEntry("realm", "https://t");
  }

  @Test
  void noChallengeIsEmpty() {
    assertThat(Challenge.parse(null)).isEmpty();
    assertThat(Challenge.parse("  ")).isEmpty();
    assertThat(Challenge.parse("=x")).isEmpty();
  }

  @Test
  void linkNextIsResolvedAgainstTheRequest() {
    URI request = URI.create("https://r.example/v2/a/tags/list?n=2");
    assertThat(LinkHeader.next("</v2/a/tags/list?n=2&last=b>; rel=\"next\"", request))
        .contains(URI.create("https://r.example/v2/a/tags/list?n=2&last=b"));
    assertThat(LinkHeader.next("<https://o.example/p?last=c>; rel=next", request))
        .contains(URI.create("https://o.example/p?last=c"));
    assertThat(LinkHeader.next("</first>; rel=\"prev\", </second>; title=\"x\"; rel=\"other next\"", request))
        .contains(URI.create("https://r.example/second"));
    assertThat(LinkHeader.next("</first>; rel=\"prev\"", request)).isEmpty();
    assertThat(LinkHeader.next(null, request)).isEmpty();
  }

  @Test
  void dockerHubBudgetWithWindows() {
    RateLimit limit = RateLimit.parse(headers(Map.of("ratelimit-limit", "100;w=21600",
        "ratelimit-remaining", "0;w=21600")), NOW).orElseThrow();
    assertThat(limit.limit()).isEqualTo(100);
    assertThat(limit.remaining()).isZero();
    assertThat(limit.spent()).isTrue();
    assertThat(limit.window()).isEqualTo(Duration.ofHours(6));
    assertThat(limit.refillsAt()).isEqualTo(NOW.plus(Duration.ofHours(6)));
  }

  @Test
  void draftBudgetWithReset() {
    RateLimit limit = RateLimit.parse(headers(Map.of("ratelimit-limit", "50", "ratelimit-remaining", "7",
        "ratelimit-reset", "30")), NOW).orElseThrow();
    assertThat(limit.spent()).isFalse();
    assertThat(limit.refillsAt()).isEqualTo(NOW.plusSeconds(30));
    assertThat(RateLimit.parse(headers(Map.of("ratelimit-limit", "5", "ratelimit-remaining", "0")), NOW)
        .orElseThrow().refillsAt()).isNull();
  }

  @Test
  void missingOrNonsenseBudgetsAreIgnored() {
    assertThat(RateLimit.parse(headers(Map.of("ratelimit-limit", "100")), NOW)).isEmpty();
    assertThat(RateLimit.parse(headers(Map.of("ratelimit-limit", "x", "ratelimit-remaining", "1")), NOW)).isEmpty();
    assertThat(RateLimit.parse(headers(Map.of("ratelimit-limit", "-1", "ratelimit-remaining", "1")), NOW)).isEmpty();
  }

  @Test
  void retryAfterInSecondsOrAsADate() {
    assertThat(UpstreamClient.retryAfter("120", NOW)).contains(NOW.plusSeconds(120));
    assertThat(UpstreamClient.retryAfter("Thu, 01 Jan 2026 00:01:00 GMT", NOW)).contains(NOW.plusSeconds(60));
    assertThat(UpstreamClient.retryAfter("soon", NOW)).isEmpty();
  }

  @Test
  void dockerHubNamesAndOfficialImages() {
    for (String hub : new String[] {"docker.io", "index.docker.io", "https://registry-1.docker.io", "DOCKER.IO"}) {
      Upstream u = Upstream.of(hub, "alpine");
      assertThat(u.registry()).isEqualTo(URI.create("https://registry-1.docker.io"));
      assertThat(u.repository()).isEqualTo("library/alpine");
    }
    assertThat(Upstream.of("docker.io", "bitnami/redis").repository()).isEqualTo("bitnami/redis");
    Upstream other = Upstream.of("http://127.0.0.1:5000", "alpine");
    assertThat(other.registry()).isEqualTo(URI.create("http://127.0.0.1:5000"));
    assertThat(other.repository()).isEqualTo("alpine");
    assertThat(Upstream.of("ghcr.io", "a/b").registry()).isEqualTo(URI.create("https://ghcr.io"));
  }

  @Test
  void badUpstreamsAreRefusedWithTheReason() {
    assertThatThrownBy(() -> Upstream.of("ftp://x", "a")).hasMessageContaining("only http and https");
    assertThatThrownBy(() -> Upstream.of("https://u:p@x", "a")).hasMessageContaining("credentials");
    assertThatThrownBy(() -> Upstream.of("x.io/path", "a")).hasMessageContaining("host with an optional port");
    assertThatThrownBy(() -> Upstream.of("x.io", "Upper/Case")).hasMessageContaining("not a repository name");
    assertThatThrownBy(() -> Upstream.of("", "a")).hasMessageContaining("required");
  }

  private static java.util.function.Function<String, Optional<String>> headers(Map<String, String> values) {
    return name -> Optional.ofNullable(values.get(name));
  }
}
