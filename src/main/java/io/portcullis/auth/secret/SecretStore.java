package io.portcullis.auth.secret;

import java.util.Optional;

/**
 * Where small named secrets are kept. Values are opaque bytes; callers encrypt what must not be
 * readable at rest with a {@link SecretBox} before putting it. Implementations are thread-safe and
 * replace a value atomically: a reader sees the old or the new value, never a mix.
 */
public interface SecretStore {

  /** Largest value a store accepts, in bytes. */
  int MAX_VALUE_BYTES = 1024 * 1024;

  /**
   * The value stored under {@code name}, or empty if there is none.
   *
   * @throws IllegalArgumentException if the name is not valid (see {@link #requireValidName})
   * @throws java.io.UncheckedIOException if the store cannot be read
   */
  Optional<byte[]> get(String name);

  /**
   * Stores {@code value} under {@code name}, replacing any previous value.
   *
   * @throws IllegalArgumentException if the name is not valid or the value exceeds {@link #MAX_VALUE_BYTES}
   * @throws java.io.UncheckedIOException if the store cannot be written
   */
  void put(String name, byte[] value);

  /**
   * Checks a secret name: 1 to 128 characters of lower-case letters, digits, {@code .}, {@code _} and
   * {@code -}, starting with a letter or digit, so that every store can use it as a key or file name.
   *
   * @return the name
   * @throws IllegalArgumentException otherwise
   */
  static String requireValidName(String name) {
    if (name == null || !name.matches("[a-z0-9][a-z0-9._-]{0,127}")) {
      throw new IllegalArgumentException(
          "invalid secret name '" + name + "' (expected 1-128 of [a-z0-9._-], starting with [a-z0-9])");
    }
    return name;
  }

  /** Checks a value's size against {@link #MAX_VALUE_BYTES}. */
  static byte[] requireValidValue(byte[] value) {
    if (value.length > MAX_VALUE_BYTES) {
      throw new IllegalArgumentException(
          "secret value of " + value.length + " bytes exceeds " + MAX_VALUE_BYTES + " bytes");
    }
    return value;
  }
}
