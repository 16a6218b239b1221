package io.portcullis.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScopeParserTest {
  private final ScopeParser parser = new ScopeParser(Set.of("localhost:5000", "Registry.Example.com"));

  @Test
  void parsesRepositoryScopeWithSeveralActions() {
    ResourceScope scope = parser.parse("repository:samalba/my-app:pull,push");

    assertThat(scope.type()).isEqualTo(ResourceType.REPOSITORY);
    assertThat(scope.resourceClass()).isEmpty();
    assertThat(scope.name()).isEqualTo("samalba/my-app");
    assertThat(scope.actions()).containsExactly(Action.PULL, Action.PUSH);
  }

  @Test
  void parsesRegistryCatalogWildcard() {
    ResourceScope scope = parser.parse("registry:catalog:*");

    assertThat(scope.type()).isEqualTo(ResourceType.REGISTRY);
    assertThat(scope.name()).isEqualTo("catalog");
    assertThat(scope.actions()).containsExactly(Action.ALL);
  }

  @Test
  void keepsDeprecatedResourceClass() {
    ResourceScope scope = parser.parse("repository(plugin):vieux/sshfs:pull");

    assertThat(scope.type()).isEqualTo(ResourceType.REPOSITORY);
    assertThat(scope.resourceClass()).contains("plugin");
    assertThat(scope.name()).isEqualTo("vieux/sshfs");
    assertThat(scope).hasToString("repository(plugin):vieux/sshfs:pull");
  }

  @Test
  void stripsOwnHostWithPortUsingTheLastColonForActions() {
    ResourceScope scope = parser.parse("repository:localhost:5000/foo/bar:pull");

    assertThat(scope.name()).isEqualTo("foo/bar");
    assertThat(scope.actions()).containsExactly(Action.PULL);
  }

  @Test
  void comparesOwnHostsCaseInsensitively() {
    assertThat(parser.parse("repository:REGISTRY.example.COM/team/app:push").name()).isEqualTo("team/app");
  }

  @Test
  void rejectsForeignHostWithPort() {
    assertThatThrownBy(() -> parser.parse("repository:other.example.com:5000/foo/bar:pull"))
        .isInstanceOf(InvalidScopeException.class)
        .hasMessageContaining("other.example.com:5000")
        .hasMessageContaining("not this registry");
  }

  @Test
  void keepsDottedFirstComponentThatIsNotAnOwnHost() {
    assertThat(parser.parse("repository:my.team/app:pull").name()).isEqualTo("my.team/app");
  }

  @Test
  void acceptsDeeplyNestedNamesAndAllSeparators() {
    ResourceScope scope = parser.parse("repository:a/b_c/d__e/f-g/h---i/j.k/l/m:delete");

    assertThat(scope.name()).isEqualTo("a/b_c/d__e/f-g/h---i/j.k/l/m");
    assertThat(scope.actions()).containsExactly(Action.DELETE);
  }

  @Test
  void collapsesRepeatedActionsAndOrdersThem() {
    assertThat(parser.parse("repository:foo:push,pull,push").actions()).containsExactly(Action.PULL, Action.PUSH);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "repository:foo:PULL", "repository:foo:admin", "repository:foo:pull,", "repository:foo:,pull",
      "repository:foo:pull,,push", "repository:foo:", "repository:foo:pull push"})
  void rejectsBadActions(String scope) {
    assertThatThrownBy(() -> parser.parse(scope)).isInstanceOf(InvalidScopeException.class);
  }

  @Test
  void namesTheUnknownAction() {
    assertThatThrownBy(() -> parser.parse("repository:foo:pull,admin"))
        .isInstanceOf(InvalidScopeException.class)
        .hasMessageContaining("'admin'");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "repository:Foo/bar:pull", "repository:foo//bar:pull", "repository:/foo:pull", "repository:foo/:pull",
      "repository:-foo:pull", "repository:foo_:pull", "repository:foo___bar:pull", "repository::pull",
      "repository:foo bar:pull", "repository:localhost:5000:pull", "repository:foo%2fbar:pull"})
  void rejectsBadNames(String scope) {
    assertThatThrownBy(() -> parser.parse(scope)).isInstanceOf(InvalidScopeException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "repository", "repository:foo", "namespace:foo:pull", "Repository:foo:pull",
      "repository(:foo:pull", "repository(Plugin):foo:pull", "repository()foo:pull"})
  void rejectsMalformedScopesAndUnknownTypes(String scope) {
    assertThatThrownBy(() -> parser.parse(scope)).isInstanceOf(InvalidScopeException.class);
  }

  @Test
  void rejectsNamesLongerThanTheLimit() {
    String name = "a".repeat(ResourceScope.MAX_NAME_LENGTH + 1);

    assertThatThrownBy(() -> parser.parse("repository:" + name + ":pull"))
        .isInstanceOf(InvalidScopeException.class)
        .hasMessageContaining("longer than 255");
    assertThat(parser.parse("repository:" + "a".repeat(ResourceScope.MAX_NAME_LENGTH) + ":pull").name())
        .hasSize(ResourceScope.MAX_NAME_LENGTH);
  }

  @Test
  void rejectsOverlongScopeBeforeLookingAtIt() {
    assertThatThrownBy(() -> parser.parse("repository:foo:" + "pull,".repeat(300) + "pull"))
        .isInstanceOf(InvalidScopeException.class)
        .hasMessageContaining("longer than " + ScopeParser.MAX_SCOPE_LENGTH);
  }

  @Test
  void parsesSpaceSeparatedAndRepeatedParameters() {
    List<ResourceScope> scopes = parser.parseAll(List.of(
        "repository:foo/bar:pull repository:localhost:5000/foo/baz:pull,push", "registry:catalog:*"));

    assertThat(scopes).extracting(ResourceScope::toString).containsExactly(
        "repository:foo/bar:pull", "repository:foo/baz:pull,push", "registry:catalog:*");
  }

  @Test
  void rejectsTooManyScopes() {
    String many = "repository:foo:pull ".repeat(ScopeParser.MAX_SCOPES + 1);

    assertThatThrownBy(() -> parser.parseAll(List.of(many)))
        .isInstanceOf(InvalidScopeException.class)
        .hasMessageContaining("more than " + ScopeParser.MAX_SCOPES);
  }

  @Test
  void oneBadScopeFailsTheWholeRequest() {
    assertThatThrownBy(() -> parser.parseAll(List.of("repository:foo:pull repository:foo:steal")))
        .isInstanceOf(InvalidScopeException.class)
        .hasMessageContaining("'steal'");
  }

  @Test
  void toStringRoundTrips() {
    for (String scope : List.of("repository:a/b:pull,push,delete", "registry:catalog:*", "repository:x:pull,*")) {
      assertThat(parser.parse(scope)).hasToString(scope);
    }
  }

  @Test
  void directlyBuiltScopesAreValidatedToo() {
    assertThatThrownBy(() -> new ResourceScope(ResourceType.REPOSITORY, "UPPER", Set.of(Action.PULL)))
        .isInstanceOf(InvalidScopeException.class);
    assertThatThrownBy(() -> new ResourceScope(ResourceType.REPOSITORY, "ok", Set.of()))
        .isInstanceOf(InvalidScopeException.class)
        .hasMessageContaining("no action");
    assertThatThrownBy(() -> new ResourceScope(ResourceType.REPOSITORY, Optional.of("Bad"), "ok", Set.of(Action.PULL)))
        .isInstanceOf(InvalidScopeException.class);
  }

  @Test
  void hostTheRequestWasAddressedToCountsAsOwn() {
    ScopeParser reached = parser.withOwnHost("127.0.0.1:40993");

    assertThat(reached.parse("repository:127.0.0.1:40993/team/app:pull").name()).isEqualTo("team/app");
    assertThat(reached.parse("repository:localhost:5000/team/app:pull").name()).isEqualTo("team/app");
    assertThatThrownBy(() -> parser.parse("repository:127.0.0.1:40993/team/app:pull"))
        .isInstanceOf(InvalidScopeException.class);
    assertThatThrownBy(() -> reached.parse("repository:127.0.0.1:40994/team/app:pull"))
        .isInstanceOf(InvalidScopeException.class);
    assertThat(parser.withOwnHost(null)).isSameAs(parser);
    assertThat(parser.withOwnHost("LOCALHOST:5000")).isSameAs(parser);
  }
}
