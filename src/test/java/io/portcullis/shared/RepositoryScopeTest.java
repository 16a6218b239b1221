package io.portcullis.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RepositoryScopeTest {
  @Test
  void aRepositoryOrEverythingBelowANamespace() {
    RepositoryScope hub = new RepositoryScope("hub/*");
    assertThat(hub.isPattern()).isTrue();
    assertThat(hub.contains(RepositoryName.of("hub/alpine"))).isTrue();
    assertThat(hub.contains(RepositoryName.of("hub/library/alpine"))).isTrue();
    assertThat(hub.contains(RepositoryName.of("hubble/alpine"))).isFalse();
    assertThat(hub.contains(RepositoryName.of("hub"))).isFalse();
    assertThat(hub.below(RepositoryName.of("hub/library/alpine"))).isEqualTo("library/alpine");
    RepositoryScope one = new RepositoryScope("hub/alpine");
    assertThat(one.contains(RepositoryName.of("hub/alpine"))).isTrue();
    assertThat(one.contains(RepositoryName.of("hub/alpine/x"))).isFalse();
    assertThatThrownBy(() -> new RepositoryScope("hub/**")).hasMessageContaining("neither a repository name");
    assertThatThrownBy(() -> new RepositoryScope("*")).hasMessageContaining("neither a repository name");
  }

  @Test
  void globs() {
    assertThat(Glob.compile("v*").matcher("v1.2").matches()).isTrue();
    assertThat(Glob.compile("v?").matcher("v12").matches()).isFalse();
    assertThat(Glob.compile("1.*").matcher("1x2").matches()).isFalse();
  }
}
