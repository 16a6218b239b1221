package io.portcullis.web.token;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenEndpointTest {
  @Test
  void loggedUsernamesCannotBreakTheLogLine() {
    assertThat(TokenEndpoint.loggable("mallory\n12:00:00.000 INFO login succeeded for 'admin'\r"))
        .isEqualTo("mallory\\u000a12:00:00.000 INFO login succeeded for 'admin'\\u000d");
    assertThat(TokenEndpoint.loggable("tab\there\u0000")).isEqualTo("tab\\u0009here\\u0000");
  }

  @Test
  void ordinaryUsernamesAreLoggedAsTheyAre() {
    assertThat(TokenEndpoint.loggable("acme+ci")).isEqualTo("acme+ci");
    assertThat(TokenEndpoint.loggable("jürgen.müller")).isEqualTo("jürgen.müller");
  }

  @Test
  void longUsernamesAreCut() {
    String logged = TokenEndpoint.loggable("x".repeat(10_000));
    assertThat(logged).hasSize(TokenEndpoint.MAX_LOGGED_USERNAME_LENGTH + 1).endsWith("x…");
  }
}
