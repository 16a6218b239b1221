package io.portcullis.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Generated secrets of robots and personal access tokens. They carry 256 random bits, so a plain
 * SHA-256 is a sufficient one-way storage form (no salt or memory-hard function is needed against
 * guessing) and keeps every login with a token cheap. Stored hashes are compared in constant time.
 */
final class Secrets {
  /** Prefix of personal access tokens, so they are recognisable (and findable by secret scanners). */
  static final String TOKEN_PREFIX = "pcl_";
  /** Prefix of robot secrets. */
  static final String ROBOT_PREFIX = "pcr_";

  private static final int SECRET_BYTES = 32;
  private static final int TOKEN_ID_BYTES = 8;
  // pcl_<16 hex id>_<43 base64url secret>; the id finds the row, the secret proves possession.
  private static final Pattern TOKEN = Pattern.compile("pcl_([0-9a-f]{16})_([A-Za-z0-9_-]{43})");
  private static final SecureRandom RANDOM = new SecureRandom();

  private Secrets() {}

  /** A personal access token split into its public id and its secret part. */
  record TokenParts(String id, String secret) {}

  static String newTokenId() {
    byte[] id = new byte[TOKEN_ID_BYTES];
    RANDOM.nextBytes(id);
    return HexFormat.of().formatHex(id);
  }

  static String newSecret() {
    byte[] secret = new byte[SECRET_BYTES];
    RANDOM.nextBytes(secret);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
  }

  static String token(String id, String secret) {
    return TOKEN_PREFIX + id + "_" + secret;
  }

  /** The parts of {@code value} if it has the shape of a personal access token; null otherwise. */
  static TokenParts parseToken(String value) {
    if (value == null || value.length() > 128) {
      return null;
    }
    Matcher m = TOKEN.matcher(value);
    return m.matches() ? new TokenParts(m.group(1), m.group(2)) : null;
  }

  static String hash(String secret) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  /** Whether {@code secret} hashes to {@code storedHash}, compared in constant time. */
  static boolean matches(String secret, String storedHash) {
    return MessageDigest.isEqual(hash(secret).getBytes(StandardCharsets.US_ASCII),
        storedHash.getBytes(StandardCharsets.US_ASCII));
  }
}
