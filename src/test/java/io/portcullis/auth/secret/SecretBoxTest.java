package io.portcullis.auth.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SecretBoxTest {
  private static final byte[] MASTER = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] OTHER_MASTER = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PLAINTEXT = "upstream password: hunter2".getBytes(StandardCharsets.UTF_8);

  private final SecretBox box = new SecretBox(MASTER);

  @Test
  void roundTrips() {
    assertThat(box.open("mirror-creds", box.seal("mirror-creds", PLAINTEXT))).isEqualTo(PLAINTEXT);
  }

  @Test
  void doesNotLeakThePlaintextAndNeverRepeatsCiphertext() {
    byte[] first = box.seal("n", PLAINTEXT);
    byte[] second = box.seal("n", PLAINTEXT);

    assertThat(new String(first, StandardCharsets.ISO_8859_1)).doesNotContain("hunter2");
    assertThat(first).isNotEqualTo(second);
    assertThat(first).hasSize(1 + 16 + 12 + PLAINTEXT.length + 16);
  }

  @Test
  void wrongMasterSecretGivesAClearError() {
    byte[] sealed = box.seal("token-signing-keys", PLAINTEXT);

    assertThatThrownBy(() -> new SecretBox(OTHER_MASTER).open("token-signing-keys", sealed))
        .isInstanceOf(SecretDecryptionException.class)
        .hasMessageContaining("token-signing-keys")
        .hasMessageContaining("master secret");
  }

  @Test
  void detectsEveryAlteredByte() {
    byte[] sealed = box.seal("n", PLAINTEXT);
    for (int i = 0; i < sealed.length; i++) {
      byte[] altered = sealed.clone();
      altered[i] ^= 0x01;
      assertThatThrownBy(() -> box.open("n", altered)).isInstanceOf(SecretDecryptionException.class);
    }
  }

  @Test
  void valueSealedForOneNameDoesNotOpenUnderAnother() {
    byte[] sealed = box.seal("alice-password", PLAINTEXT);

    assertThatThrownBy(() -> box.open("bob-password", sealed)).isInstanceOf(SecretDecryptionException.class);
  }

  @Test
  void rejectsTruncatedValuesAndUnknownVersions() {
    byte[] sealed = box.seal("n", PLAINTEXT);
    byte[] newer = sealed.clone();
    newer[0] = 2;

    assertThatThrownBy(() -> box.open("n", Arrays.copyOf(sealed, 20)))
        .isInstanceOf(SecretDecryptionException.class)
        .hasMessageContaining("too short");
    assertThatThrownBy(() -> box.open("n", newer))
        .isInstanceOf(SecretDecryptionException.class)
        .hasMessageContaining("version 2");
  }

  @Test
  void sealsEmptyValues() {
    assertThat(box.open("n", box.seal("n", new byte[0]))).isEmpty();
  }

  @Test
  void refusesShortMasterSecrets() {
    assertThatThrownBy(() -> new SecretBox(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 32");
  }
}
