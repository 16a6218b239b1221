package io.portcullis.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PrincipalTest {

  @Test
  void anonymousHasEmptySubjectAndIdentifiedPrincipalsNeedOne() {
    assertThat(Principal.anonymous().subject()).isEmpty();
    assertThatThrownBy(() -> new Principal("", Principal.Kind.USER, Set.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Principal("bob", Principal.Kind.ANONYMOUS, Set.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsControlCharactersAndOverlongSubjects() {
    assertThatThrownBy(() -> new Principal("bob\nadmin", Principal.Kind.USER, Set.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Principal("x".repeat(256), Principal.Kind.USER, Set.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void isImmutable() {
    Set<Principal.Flag> flags = new HashSet<>(Set.of(Principal.Flag.BOOTSTRAP));
    Principal admin = new Principal("root", Principal.Kind.ADMIN, flags);
    flags.clear();

    assertThat(admin.has(Principal.Flag.BOOTSTRAP)).isTrue();
    assertThatThrownBy(() -> admin.flags().clear()).isInstanceOf(UnsupportedOperationException.class);
  }
}
