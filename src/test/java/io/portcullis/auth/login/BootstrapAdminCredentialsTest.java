package io.portcullis.auth.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.auth.Principal;
import io.portcullis.auth.secret.InMemorySecretStore;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BootstrapAdminCredentialsTest {
  private static final String PASSWORD = "a long admin passphrase";
  private final InMemorySecretStore store = new InMemorySecretStore();
  private final PasswordHasher hasher = new PasswordHasher(new PasswordHasher.Parameters(1024, 1, 1), 2);
  private final BootstrapAdminCredentials admin = new BootstrapAdminCredentials("admin", store, hasher);

  @Test
  void authenticatesTheAdministratorAsBootstrapAdmin() {
    admin.setPassword(PASSWORD);

    assertThat(admin.authenticate("admin", PASSWORD)).hasValueSatisfying(p -> {
      assertThat(p.subject()).isEqualTo("admin");
      assertThat(p.kind()).isEqualTo(Principal.Kind.ADMIN);
      assertThat(p.has(Principal.Flag.BOOTSTRAP)).isTrue();
    });
  }

  @Test
  void refusesWrongPasswordsAndOtherUsers() {
    admin.setPassword(PASSWORD);

    assertThat(admin.authenticate("admin", PASSWORD + "!")).isEmpty();
    assertThat(admin.authenticate("Admin", PASSWORD)).isEmpty();
    assertThat(admin.authenticate("someone", PASSWORD)).isEmpty();
  }

  @Test
  void nobodyLogsInBeforeAPasswordIsSet() {
    assertThat(admin.hasPassword()).isFalse();
    assertThat(admin.authenticate("admin", "")).isEmpty();
    assertThat(admin.authenticate("admin", PASSWORD)).isEmpty();
  }

  @Test
  void storesOnlyTheHash() {
    admin.setPassword(PASSWORD);
    String stored = new String(store.get(BootstrapAdminCredentials.SECRET_NAME).orElseThrow(), StandardCharsets.UTF_8);

    assertThat(admin.hasPassword()).isTrue();
    assertThat(stored).startsWith("$argon2id$").doesNotContain(PASSWORD);
  }

  @Test
  void upgradesTheStoredHashAfterParametersChange() {
    admin.setPassword(PASSWORD);
    PasswordHasher stronger = new PasswordHasher(new PasswordHasher.Parameters(2048, 2, 1), 2);
    BootstrapAdminCredentials upgraded = new BootstrapAdminCredentials("admin", store, stronger);

    assertThat(upgraded.authenticate("admin", PASSWORD)).isPresent();
    String stored = new String(store.get(BootstrapAdminCredentials.SECRET_NAME).orElseThrow(), StandardCharsets.UTF_8);
    assertThat(stored).startsWith("$argon2id$v=19$m=2048,t=2,p=1$");
    assertThat(upgraded.authenticate("admin", PASSWORD)).isPresent();
  }

  @Test
  void refusesShortPasswords() {
    assertThatThrownBy(() -> admin.setPassword("short"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least " + BootstrapAdminCredentials.MIN_PASSWORD_LENGTH);
  }
}
