package io.portcullis.auth.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWK;
import io.portcullis.auth.secret.InMemorySecretStore;
import io.portcullis.auth.secret.SecretBox;
import io.portcullis.auth.secret.SecretDecryptionException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SigningKeysTest {
  private static final SecretBox BOX = new SecretBox("master-secret-master-secret-0001".getBytes(StandardCharsets.US_ASCII));
  private final InMemorySecretStore store = new InMemorySecretStore();

  @Test
  void generatesOnFirstStartAndReloadsTheSameKey() {
    SigningKeys first = SigningKeys.loadOrCreate(store, BOX);
    SigningKeys again = SigningKeys.loadOrCreate(store, BOX);

    assertThat(again.currentKeyId()).isEqualTo(first.currentKeyId());
    assertThat(first.verificationKeys().getKeys()).hasSize(1);
  }

  @Test
  void storesThePrivateKeyEncrypted() {
    SigningKeys keys = SigningKeys.loadOrCreate(store, BOX);
    String stored = new String(store.get(SigningKeys.SECRET_NAME).orElseThrow(), StandardCharsets.ISO_8859_1);
    String privateScalar = keys.ring().current().getD().toString();

    assertThat(stored).doesNotContain(privateScalar).doesNotContain("\"kty\"").doesNotContain(keys.currentKeyId());
  }

  @Test
  void publishesOnlyPublicKeys() {
    SigningKeys keys = SigningKeys.loadOrCreate(store, BOX);
    keys.rotate();

    assertThat(keys.verificationKeys().getKeys()).noneMatch(JWK::isPrivate);
  }

  @Test
  void wrongMasterSecretIsReportedAtStartup() {
    SigningKeys.loadOrCreate(store, BOX);
    SecretBox other = new SecretBox("another-master-secret-0000000002".getBytes(StandardCharsets.US_ASCII));

    assertThatThrownBy(() -> SigningKeys.loadOrCreate(store, other))
        .isInstanceOf(SecretDecryptionException.class)
        .hasMessageContaining("master secret");
  }

  @Test
  void rotationKeepsThePreviousKeyForVerificationAndPersistsBoth() {
    SigningKeys keys = SigningKeys.loadOrCreate(store, BOX);
    String original = keys.currentKeyId();
    keys.rotate();
    String second = keys.currentKeyId();

    assertThat(second).isNotEqualTo(original);
    assertThat(keys.verificationKeys().getKeys()).extracting(JWK::getKeyID).containsExactly(second, original);
    assertThat(SigningKeys.loadOrCreate(store, BOX).verificationKeys().getKeys())
        .extracting(JWK::getKeyID).containsExactly(second, original);

    keys.rotate();
    assertThat(keys.verificationKeys().getKeys()).extracting(JWK::getKeyID)
        .containsExactly(keys.currentKeyId(), second);
  }

  @Test
  void rejectsAStoredSetThatIsNotASigningKeySet() {
    store.put(SigningKeys.SECRET_NAME, BOX.seal(SigningKeys.SECRET_NAME, "{\"keys\":[]}".getBytes(StandardCharsets.UTF_8)));

    assertThatThrownBy(() -> SigningKeys.loadOrCreate(store, BOX))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("0 keys");
  }
}
