package io.portcullis.auth.login;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LoginGuardTest {
  @Test
  void loggedUsernamesCannotBreakTheLogLine() {
    assertThat(LoginGuard.loggable("mallory\n12:00:00.000 INFO login succeeded for 'admin'\r"))
        .isEqualTo("mallory\\u000a12:00:00.000 INFO login succeeded for 'admin'\\u000d");
    assertThat(LoginGuard.loggable("tab\there\u0000")).isEqualTo("tab\\u0009here\\u0000");
  }

  @Test
  void ordinaryUsernamesAreLoggedAsTheyAre() {
    assertThat(LoginGuard.loggable("acme+ci")).isEqualTo("acme+ci");
    assertThat(LoginGuard.loggable("jürgen.müller")).isEqualTo("jürgen.müller");
  }

  @Test
  void longUsernamesAreCut() {
    String logged = LoginGuard.loggable("x".repeat(10_000));
    assertThat(logged).hasSize(LoginGuard.MAX_LOGGED_USERNAME_LENGTH + 1).endsWith("x…");
  }
}
