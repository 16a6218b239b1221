package io.portcullis.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class ActionTest {

  @Test
  void wildcardCoversEveryActionButNamedActionsCoverOnlyThemselves() {
    assertThat(Action.ALL.covers(Action.DELETE)).isTrue();
    assertThat(Action.PUSH.covers(Action.PUSH)).isTrue();
    assertThat(Action.PUSH.covers(Action.PULL)).isFalse();
    assertThat(Action.PULL.covers(Action.ALL)).isFalse();
  }

  @Test
  void allowedNeverExceedsTheRequest() {
    assertThat(Action.allowed(Set.of(Action.PULL), Set.of(Action.ALL))).containsExactly(Action.PULL);
    assertThat(Action.allowed(Set.of(Action.PULL, Action.PUSH), Set.of(Action.PULL, Action.DELETE)))
        .containsExactly(Action.PULL);
    assertThat(Action.allowed(Set.of(Action.ALL), Set.of(Action.PULL, Action.PUSH, Action.DELETE))).isEmpty();
    assertThat(Action.allowed(Set.of(Action.ALL), Set.of(Action.ALL))).containsExactly(Action.ALL);
  }

  @Test
  void parsesOnlyExactSpellings() {
    assertThat(Action.fromWireName("*")).isEqualTo(Action.ALL);
    assertThatThrownBy(() -> Action.fromWireName("Pull")).isInstanceOf(InvalidScopeException.class);
  }
}
