package io.portcullis.web.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RouterTest {
  @Test
  void listsRoutesInOrderWithOpenApiPaths() {
    Router router = new Router()
        .add("GET", "/repositories/{name...}/users/{user}", "a", (ex, p) -> {})
        .add("PUT", "/repositories/{name...}/users/{user}", "a", (ex, p) -> {})
        .add("GET", "/repositories/{name...}", "b", (ex, p) -> {});
    assertThat(router.routes()).extracting(r -> r.method() + " " + r.openApiPath()).containsExactly(
        "GET /repositories/{name}/users/{user}", "PUT /repositories/{name}/users/{user}", "GET /repositories/{name}");
  }

  @Test
  void refusesTheSameOperationTwice() {
    Router router = new Router().add("GET", "/users", "a", (ex, p) -> {});
    assertThatThrownBy(() -> router.add("GET", "/users", "b", (ex, p) -> {}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("GET /users");
  }
}
