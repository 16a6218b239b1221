package io.portcullis.auth.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PasswordHasherTest {
  /** Made with the reference implementation: {@code argon2 'portcullis-salt!' -id -t 2 -m 10 -p 1 -e}. */
  private static final String REFERENCE_HASH =
      "$argon2id$v=19$m=1024,t=2,p=1$cG9ydGN1bGxpcy1zYWx0IQ$AtO+Ed7m987NyrFQO9Ct6273hX38D52/uVHlno2LVaY";

  private static final PasswordHasher.Parameters CHEAP = new PasswordHasher.Parameters(1024, 2, 1);
  private final PasswordHasher hasher = new PasswordHasher(CHEAP, 2);

  @Test
  void roundTripsAndRejectsWrongPasswords() {
    String hash = hasher.hash("s3cret passphrase");

    assertThat(hasher.verify("s3cret passphrase", hash)).isTrue();
    assertThat(hasher.verify("s3cret passphrasE", hash)).isFalse();
    assertThat(hasher.verify("", hash)).isFalse();
  }

  @Test
  void writesPhcStringsWithFreshSalts() {
    String first = hasher.hash("same");
    String second = hasher.hash("same");

    assertThat(first).matches("\\$argon2id\\$v=19\\$m=1024,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
    assertThat(first).isNotEqualTo(second);
  }

  @Test
  void usesOwaspParametersByDefault() {
    PasswordHasher owasp = PasswordHasher.withOwaspDefaults();
    String hash = owasp.hash("correct horse battery staple");

    assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
    assertThat(owasp.verify("correct horse battery staple", hash)).isTrue();
  }

  @Test
  void agreesWithTheReferenceImplementation() {
    assertThat(hasher.verify("correct horse battery staple", REFERENCE_HASH)).isTrue();
    assertThat(hasher.verify("correct horse battery stapler", REFERENCE_HASH)).isFalse();
  }

  @Test
  void handlesNonAsciiPasswords() {
    String hash = hasher.hash("pässwörd-密码");

    assertThat(hasher.verify("pässwörd-密码", hash)).isTrue();
    assertThat(hasher.verify("passwort-密码", hash)).isFalse();
  }

  @Test
  void asksForRehashWhenParametersChange() {
    String cheapHash = hasher.hash("pw");
    PasswordHasher stronger = new PasswordHasher(new PasswordHasher.Parameters(2048, 2, 1), 1);

    assertThat(hasher.needsRehash(cheapHash)).isFalse();
    assertThat(stronger.needsRehash(cheapHash)).isTrue();
    assertThat(stronger.verify("pw", cheapHash)).isTrue();
  }

  @Test
  void refusesOverlongPasswordsAndNeverMatchesThem() {
    String overlong = "x".repeat(PasswordHasher.MAX_PASSWORD_BYTES + 1);

    assertThatThrownBy(() -> hasher.hash(overlong)).isInstanceOf(IllegalArgumentException.class);
    assertThat(hasher.verify(overlong, hasher.hash("x"))).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "plaintext",
      "$argon2i$v=19$m=1024,t=2,p=1$cG9ydGN1bGxpcy1zYWx0IQ$AtO+Ed7m987NyrFQO9Ct6273hX38D52/uVHlno2LVaY",
      "$argon2id$v=16$m=1024,t=2,p=1$cG9ydGN1bGxpcy1zYWx0IQ$AtO+Ed7m987NyrFQO9Ct6273hX38D52/uVHlno2LVaY",
      "$argon2id$v=19$t=2,m=1024,p=1$cG9ydGN1bGxpcy1zYWx0IQ$AtO+Ed7m987NyrFQO9Ct6273hX38D52/uVHlno2LVaY",
      "$argon2id$v=19$m=99999999,t=2,p=1$cG9ydGN1bGxpcy1zYWx0IQ$AtO+Ed7m987NyrFQO9Ct6273hX38D52/uVHlno2LVaY",
      "$argon2id$v=19$m=1024,t=0,p=1$cG9ydGN1bGxpcy1zYWx0IQ$AtO+Ed7m987NyrFQO9Ct6273hX38D52/uVHlno2LVaY",
      "$argon2id$v=19$m=1024,t=2,p=1$c2hvcnQ$AtO+Ed7m987NyrFQO9Ct6273hX38D52/uVHlno2LVaY",
      "$argon2id$v=19$m=1024,t=2,p=1$cG9ydGN1bGxpcy1zYWx0IQ$AtO+Ed7m987NyrFQO9Ct6273hX38D52/uVHlno2LVaY$extra"})
  void rejectsMalformedOrOutOfRangeHashes(String stored) {
    assertThatThrownBy(() -> hasher.verify("pw", stored)).isInstanceOf(InvalidPasswordHashException.class);
    assertThatThrownBy(() -> hasher.needsRehash(stored)).isInstanceOf(InvalidPasswordHashException.class);
  }

  @Test
  void rejectsUnusableParameters() {
    assertThatThrownBy(() -> new PasswordHasher.Parameters(4, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PasswordHasher.Parameters(1024, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PasswordHasher(CHEAP, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
