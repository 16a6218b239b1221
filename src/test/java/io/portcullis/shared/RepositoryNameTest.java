package io.portcullis.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RepositoryNameTest {
  @ParameterizedTest
  @ValueSource(strings = {"a", "library/alpine", "hub/alpine", "a.b/c_d/e__f/g-h/i--j", "0/1/2", "acme/team/app"})
  void acceptsTheSpecGrammar(String name) {
    assertThat(RepositoryName.isValid(name)).isTrue();
    assertThat(RepositoryName.of(name).value()).isEqualTo(name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "A", "Library/alpine", "a/../b", "..", "a//b", "/a", "a/", "-a", "a-", "a_", "a___b",
      "a..b", "a/.b", "a b", "a:b", "ä"})
  void refusesEverythingElseAsNameInvalid(String name) {
    assertThat(RepositoryName.isValid(name)).isFalse();
    assertThatThrownBy(() -> RepositoryName.of(name)).isInstanceOfSatisfying(RegistryException.class,
        e -> assertThat(e.error()).isEqualTo(RegistryError.NAME_INVALID));
  }

  @org.junit.jupiter.api.Test
  void limitsTheLength() {
    assertThat(RepositoryName.isValid("a".repeat(255))).isTrue();
    assertThat(RepositoryName.isValid("a".repeat(256))).isFalse();
  }
}
