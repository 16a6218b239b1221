package io.portcullis.identity.ldap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FilterTemplateTest {
  static final Set<String> BOTH = Set.of(FilterTemplate.USERNAME, FilterTemplate.USER_DN);

  @Test
  void filterSyntaxInValuesIsEscapedPerRfc4515() {
    FilterTemplate template = new FilterTemplate("filter", "(uid={0})", BOTH);

    assertThat(template.expand(Map.of(FilterTemplate.USERNAME, "*)(uid=*")))
        .isEqualTo("(uid=\\2a\\29\\28uid=\\2a)");
    assertThat(template.expand(Map.of(FilterTemplate.USERNAME, "a\\b\u0000")))
        .isEqualTo("(uid=a\\5cb\\00)");
  }

  @Test
  void placeholdersInsideValuesAreNotExpandedAgain() {
    FilterTemplate template = new FilterTemplate("filter", "(|(member={dn})(memberUid={0}))", BOTH);

    assertThat(template.expand(Map.of(FilterTemplate.USERNAME, "{dn}", FilterTemplate.USER_DN, "cn=a\\, b (x)")))
        .isEqualTo("(|(member=cn=a\\5c, b \\28x\\29)(memberUid={dn}))");
  }

  @Test
  void templateWithoutPlaceholderIsRefused() {
    assertThatThrownBy(() -> new FilterTemplate("user search filter", "(uid=alice)", Set.of(FilterTemplate.USERNAME)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must contain {0}");
  }

  @Test
  void placeholderNotAllowedHereIsRefused() {
    assertThatThrownBy(() -> new FilterTemplate("user search filter", "(member={dn})", Set.of(FilterTemplate.USERNAME)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("may not use {dn}");
  }

  @Test
  void malformedFilterIsRefused() {
    assertThatThrownBy(() -> new FilterTemplate("user search filter", "(uid={0}", Set.of(FilterTemplate.USERNAME)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a valid LDAP filter");
  }
}
