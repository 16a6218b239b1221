package io.portcullis.auth.secret;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * Authenticated encryption of secrets at rest with AES-256-GCM.
 *
 * <p>Each value gets a fresh random salt, from which HKDF-SHA256 derives a one-off key out of the
 * configured master secret, and a fresh random 96-bit nonce. Because every key is used once, nonce
 * reuse cannot occur however many values are sealed. The name a value is sealed for is authenticated
 * (as associated data), so a sealed value copied under another name does not open.
 *
 * <p>Sealed layout: {@code version(1) | salt(16) | nonce(12) | ciphertext | tag(16)}.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class SecretBox {
  /** Shortest accepted master secret: 256 bits, e.g. 32 random bytes or a 44-character base64 string. */
  public static final int MIN_MASTER_SECRET_BYTES = 32;

  private static final byte FORMAT_VERSION = 1;
  private static final int SALT_BYTES = 16;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final int KEY_BYTES = 32;
  private static final int HEADER_BYTES = 1 + SALT_BYTES + NONCE_BYTES;
  private static final byte[] HKDF_INFO =
      "portcullis secret-box v1 AES-256-GCM".getBytes(StandardCharsets.US_ASCII);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] masterSecret;

  /**
   * @param masterSecret the configured master secret; at least {@value #MIN_MASTER_SECRET_BYTES} bytes
   * @throws IllegalArgumentException if it is shorter
   */
  public SecretBox(byte[] masterSecret) {
    if (masterSecret.length < MIN_MASTER_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "master secret has " + masterSecret.length + " bytes; at least " + MIN_MASTER_SECRET_BYTES
              + " are required (generate one with 'openssl rand -base64 32')");
    }
    this.masterSecret = masterSecret.clone();
  }

  /**
   * Encrypts {@code plaintext} for storage under {@code name}.
   *
   * @param name the name the value will be stored and opened under
   */
  public byte[] seal(String name, byte[] plaintext) {
    byte[] salt = randomBytes(SALT_BYTES);
    byte[] nonce = randomBytes(NONCE_BYTES);
    byte[] ciphertext = crypt(Cipher.ENCRYPT_MODE, salt, nonce, name, plaintext);
    return ByteBuffer.allocate(HEADER_BYTES + ciphertext.length)
        .put(FORMAT_VERSION)
        .put(salt)
        .put(nonce)
        .put(ciphertext)
        .array();
  }

  /**
   * Decrypts and authenticates a value sealed under {@code name}.
   *
   * @throws SecretDecryptionException if the master secret is wrong, the value was altered, truncated
   *     or sealed under another name, or its format version is unknown
   */
  public byte[] open(String name, byte[] sealed) {
    if (sealed.length < HEADER_BYTES + TAG_BITS / 8) {
      throw new SecretDecryptionException(
          "cannot decrypt secret '" + name + "': " + sealed.length + " bytes is too short to be a sealed value");
    }
    if (sealed[0] != FORMAT_VERSION) {
      throw new SecretDecryptionException(
          "cannot decrypt secret '" + name + "': unknown format version " + sealed[0]);
    }
    ByteBuffer in = ByteBuffer.wrap(sealed, 1, sealed.length - 1);
    byte[] salt = new byte[SALT_BYTES];
    byte[] nonce = new byte[NONCE_BYTES];
    in.get(salt).get(nonce);
    byte[] ciphertext = new byte[in.remaining()];
    in.get(ciphertext);
    return crypt(Cipher.DECRYPT_MODE, salt, nonce, name, ciphertext);
  }

  private byte[] crypt(int mode, byte[] salt, byte[] nonce, String name, byte[] input) {
    Objects.requireNonNull(name, "name");
    byte[] key = deriveKey(salt);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(associatedData(name));
      return cipher.doFinal(input);
    } catch (AEADBadTagException e) {
      throw new SecretDecryptionException(
          "cannot decrypt secret '" + name + "': the master secret is not the one it was encrypted"
              + " with, or the stored value was altered", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM is unavailable in this JVM", e);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  private byte[] deriveKey(byte[] salt) {
    HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
    hkdf.init(new HKDFParameters(masterSecret, salt, HKDF_INFO));
    byte[] key = new byte[KEY_BYTES];
    hkdf.generateBytes(key, 0, KEY_BYTES);
    return key;
  }

  private static byte[] associatedData(String name) {
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(1 + nameBytes.length).put(FORMAT_VERSION).put(nameBytes).array();
  }

  private static byte[] randomBytes(int count) {
    byte[] bytes = new byte[count];
    RANDOM.nextBytes(bytes);
    return bytes;
  }
}
