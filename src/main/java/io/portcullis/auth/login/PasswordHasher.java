package io.portcullis.auth.login;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Hashes and checks passwords with Argon2id (BouncyCastle), stored as PHC strings:
 * {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>} with unpadded standard base64.
 *
 * <p>The defaults follow the OWASP password storage guidance (19 MiB, 2 passes, 1 lane) with a 16-byte
 * random salt and a 32-byte hash. Since each hash takes its memory cost in RAM and callers run on
 * virtual threads, at most {@code maxConcurrentHashes} hashes run at once; the others wait.
 * Thread-safe.
 */
public final class PasswordHasher {
  /** Longest password accepted, in UTF-8 bytes. */
  public static final int MAX_PASSWORD_BYTES = 1024;

  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;
  private static final int MAX_ENCODED_LENGTH = 512;
  private static final Pattern PHC = Pattern.compile(
      "\\$argon2id\\$v=19\\$m=(\\d{1,8}),t=(\\d{1,3}),p=(\\d{1,3})\\$([A-Za-z0-9+/]{11,88})\\$([A-Za-z0-9+/]{22,88})");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Parameters parameters;
  private final Semaphore running;

  /**
   * Argon2id cost parameters.
   *
   * @param memoryKiB   memory per hash in KiB, from 8 × parallelism to 1 GiB
   * @param iterations  passes over memory, 1 to 100
   * @param parallelism lanes, 1 to 64
   */
  public record Parameters(int memoryKiB, int iterations, int parallelism) {
    /** OWASP's recommended minimum for Argon2id: m=19 MiB, t=2, p=1. */
    public static final Parameters OWASP = new Parameters(19 * 1024, 2, 1);

    /** @throws IllegalArgumentException if a value is out of its range */
    public Parameters {
      if (parallelism < 1 || parallelism > 64) {
        throw new IllegalArgumentException("Argon2 parallelism must be 1 to 64, not " + parallelism);
      }
      if (iterations < 1 || iterations > 100) {
        throw new IllegalArgumentException("Argon2 iterations must be 1 to 100, not " + iterations);
      }
      if (memoryKiB < 8 * parallelism || memoryKiB > 1024 * 1024) {
        throw new IllegalArgumentException(
            "Argon2 memory must be 8 KiB per lane to 1 GiB, not " + memoryKiB + " KiB");
      }
    }
  }

  /**
   * @param parameters          cost of new hashes
   * @param maxConcurrentHashes how many hashes may run at once, at least 1
   */
  public PasswordHasher(Parameters parameters, int maxConcurrentHashes) {
    this.parameters = Objects.requireNonNull(parameters, "parameters");
    if (maxConcurrentHashes < 1) {
      throw new IllegalArgumentException("at least one concurrent hash is required");
    }
    this.running = new Semaphore(maxConcurrentHashes, true);
  }

  /** A hasher with {@link Parameters#OWASP} and one concurrent hash per processor. */
  public static PasswordHasher withOwaspDefaults() {
    return new PasswordHasher(Parameters.OWASP, Runtime.getRuntime().availableProcessors());
  }

  /**
   * Hashes {@code password} with a fresh salt and the configured parameters.
   *
   * @throws IllegalArgumentException if the password is longer than {@value #MAX_PASSWORD_BYTES} bytes
   */
  public String hash(String password) {
    byte[] passwordBytes = utf8(password);
    try {
      if (passwordBytes.length > MAX_PASSWORD_BYTES) {
        throw new IllegalArgumentException("password longer than " + MAX_PASSWORD_BYTES + " bytes");
      }
      byte[] salt = new byte[SALT_BYTES];
      RANDOM.nextBytes(salt);
      byte[] hash = argon2id(passwordBytes, salt, parameters, HASH_BYTES);
      Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
      return "$argon2id$v=19$m=" + parameters.memoryKiB() + ",t=" + parameters.iterations()
          + ",p=" + parameters.parallelism() + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    } finally {
      Arrays.fill(passwordBytes, (byte) 0);
    }
  }

  /**
   * Whether {@code password} matches the stored hash, compared in constant time. A password longer
   * than {@value #MAX_PASSWORD_BYTES} bytes never matches, since {@link #hash} refuses to store one.
   *
   * @throws InvalidPasswordHashException if {@code encoded} is not a hash this class can check
   */
  public boolean verify(String password, String encoded) {
    Stored stored = parse(encoded);
    byte[] passwordBytes = utf8(password);
    try {
      if (passwordBytes.length > MAX_PASSWORD_BYTES) {
        return false;
      }
      byte[] candidate = argon2id(passwordBytes, stored.salt(), stored.parameters(), stored.hash().length);
      return MessageDigest.isEqual(candidate, stored.hash());
    } finally {
      Arrays.fill(passwordBytes, (byte) 0);
    }
  }

  /**
   * Whether a stored hash was made with other parameters, salt or hash length than new hashes get, so
   * it should be replaced after the next successful login.
   *
   * @throws InvalidPasswordHashException if {@code encoded} is not a hash this class can check
   */
  public boolean needsRehash(String encoded) {
    Stored stored = parse(encoded);
    return !stored.parameters().equals(parameters)
        || stored.salt().length != SALT_BYTES
        || stored.hash().length != HASH_BYTES;
  }

  private byte[] argon2id(byte[] password, byte[] salt, Parameters cost, int length) {
    Argon2Parameters argon2 = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
        .withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withSalt(salt)
        .withMemoryAsKB(cost.memoryKiB())
        .withIterations(cost.iterations())
        .withParallelism(cost.parallelism())
        .build();
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(argon2);
    byte[] out = new byte[length];
    running.acquireUninterruptibly();
    try {
      generator.generateBytes(password, out);
    } finally {
      running.release();
    }
    return out;
  }

  private static Stored parse(String encoded) {
    if (encoded == null || encoded.length() > MAX_ENCODED_LENGTH) {
      throw new InvalidPasswordHashException("stored password hash is missing or too long");
    }
    Matcher m = PHC.matcher(encoded);
    if (!m.matches()) {
      throw new InvalidPasswordHashException(
          "stored password hash is not an Argon2id v19 PHC string ($argon2id$v=19$m=…,t=…,p=…$salt$hash)");
    }
    Parameters cost;
    try {
      cost = new Parameters(
          Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    } catch (IllegalArgumentException e) {
      throw new InvalidPasswordHashException("stored password hash has out-of-range parameters: " + e.getMessage());
    }
    try {
      return new Stored(cost, Base64.getDecoder().decode(m.group(4)), Base64.getDecoder().decode(m.group(5)));
    } catch (IllegalArgumentException e) {
      throw new InvalidPasswordHashException("stored password hash has invalid base64: " + e.getMessage());
    }
  }

  private static byte[] utf8(String password) {
    return Objects.requireNonNull(password, "password").getBytes(StandardCharsets.UTF_8);
  }

  private record Stored(Parameters parameters, byte[] salt, byte[] hash) {}
}
