package io.portcullis.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.shared.RepositoryName;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MirrorTest {
  static Mirror namespaceMirror(String target, String namespace, String filter) {
    Instant at = Instant.EPOCH;
    return new Mirror(1, Mirror.Direction.PULL, RepositoryName.of(target), "https://registry.example.com", namespace,
        true, filter, Mirror.DEFAULT_INTERVAL, true, TagFilter.ALL, PlatformFilter.ALL, TagTemplate.SAME, null, false,
        at, "alice", at);
  }

  @Test
  void aNamespaceMirrorMapsUpstreamRepositoriesUnderItsNamespaceIntoTheLocalOne() {
    Mirror m = namespaceMirror("hub", "bitnami", null);
    assertThat(m.localFor("bitnami/redis")).hasValue(RepositoryName.of("hub/redis"));
    assertThat(m.localFor("bitnami/charts/redis")).hasValue(RepositoryName.of("hub/charts/redis"));
    assertThat(m.localFor("bitnamix/redis")).as("a name that only starts alike").isEmpty();
    assertThat(m.localFor("bitnami")).as("the namespace itself").isEmpty();
    assertThat(m.localFor("library/alpine")).isEmpty();
    Mirror nested = namespaceMirror("hub/stage", "acme/tools", null);
    assertThat(nested.localFor("acme/tools/jq")).hasValue(RepositoryName.of("hub/stage/jq"));
  }

  @Test
  void theRepositoryFilterIsAGlobOverTheRestOfTheName() {
    Mirror m = namespaceMirror("hub", "bitnami", "redis*");
    assertThat(m.localFor("bitnami/redis")).isPresent();
    assertThat(m.localFor("bitnami/redis-cluster")).isPresent();
    assertThat(m.localFor("bitnami/nginx")).isEmpty();
    assertThat(namespaceMirror("hub", "bitnami", "?ginx").localFor("bitnami/nginx")).isPresent();
  }

  @Test
  void aMirrorOfOneRepositoryMapsNothingAndDirectionsHaveWireNames() {
    Instant at = Instant.EPOCH;
    Mirror single = new Mirror(1, Mirror.Direction.PUSH, RepositoryName.of("official/app"), "dr.example.com",
        "mirror/app", false, null, Mirror.DEFAULT_INTERVAL, true, TagFilter.ALL, PlatformFilter.ALL, TagTemplate.SAME,
        null, false, at, "alice", at);
    assertThat(single.localFor("mirror/app/x")).isEqualTo(Optional.empty());
    assertThat(single.isPush()).isTrue();
    assertThat(Mirror.Direction.fromWireName("push")).isEqualTo(Mirror.Direction.PUSH);
    assertThat(Mirror.Direction.PULL.wireName()).isEqualTo("pull");
    assertThatThrownBy(() -> Mirror.Direction.fromWireName("both")).hasMessage("direction must be pull or push, not 'both'");
  }
}
