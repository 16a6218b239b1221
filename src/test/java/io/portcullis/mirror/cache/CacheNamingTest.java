package io.portcullis.mirror.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.shared.RepositoryName;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which repositories a cache holds and what they are called upstream. */
class CacheNamingTest {
  static final Cache HUB = new Cache(1, "dockerhub", Cache.DEFAULT_FRESHNESS,
      List.of(new CacheUpstream("docker.io", null, null, false)), Instant.EPOCH, "admin", Instant.EPOCH);

  @Test
  void aCacheHoldsTheRepositoriesBelowItsNamespaceOnly() {
    assertThat(HUB.covers(RepositoryName.of("dockerhub/library/alpine"))).isTrue();
    assertThat(HUB.covers(RepositoryName.of("dockerhub/alpine"))).isTrue();
    assertThat(HUB.covers(RepositoryName.of("dockerhub"))).isFalse();
    assertThat(HUB.covers(RepositoryName.of("dockerhubx/alpine"))).isFalse();
    assertThat(HUB.upstreamPath(RepositoryName.of("dockerhub/library/alpine"))).isEqualTo("library/alpine");
  }

  @Test
  void dockerHubNamesAndTheLibraryRuleApply() {
    CacheUpstream hub = HUB.upstreams().getFirst();
    assertThat(hub.upstream("alpine").toString()).isEqualTo("registry-1.docker.io/library/alpine");
    assertThat(hub.upstream("library/alpine").toString()).isEqualTo("registry-1.docker.io/library/alpine");
    assertThat(hub.upstream("bitnami/redis").toString()).isEqualTo("registry-1.docker.io/bitnami/redis");
  }

  @Test
  void aPrefixGoesBeforeTheLocalPath() {
    CacheUpstream prefixed = new CacheUpstream("https://ghcr.io", "myorg", null, false);
    assertThat(prefixed.upstream("app").toString()).isEqualTo("ghcr.io/myorg/app");
    CacheUpstream hubPrefixed = new CacheUpstream("docker.io", "library", null, false);
    assertThat(hubPrefixed.upstream("alpine").toString()).isEqualTo("registry-1.docker.io/library/alpine");
    assertThatThrownBy(() -> new CacheUpstream("ftp://x", null, null, false).upstream("a"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only http and https");
  }
}
