package io.portcullis.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.StringJoiner;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signing per the Standard Webhooks specification (https://www.standardwebhooks.com): the signed content
 * is {@code <webhook-id>.<webhook-timestamp>.<body>}, the signature HMAC-SHA256 keyed with the secret's
 * bytes, sent as {@code v1,<base64>}; several signatures (the current and the previous secret during a
 * rotation) are separated by spaces. Secrets are shown as {@code whsec_} + the base64 of the key.
 */
public final class Signatures {
  public static final String SECRET_PREFIX = "whsec_";
  /** 256-bit keys; the specification asks for at least 24 bytes. */
  static final int SECRET_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  private Signatures() {}

  /** A new random secret, {@code whsec_…}. */
  public static String newSecret() {
    byte[] key = new byte[SECRET_BYTES];
    RANDOM.nextBytes(key);
    return SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
  }

  /**
   * The key bytes of a {@code whsec_…} secret.
   *
   * @throws IllegalArgumentException when it is not one
   */
  public static byte[] key(String secret) {
    if (!secret.startsWith(SECRET_PREFIX)) {
      throw new IllegalArgumentException("a webhook secret starts with " + SECRET_PREFIX);
    }
    byte[] key = Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
    if (key.length < 24) {
      throw new IllegalArgumentException("a webhook secret has at least 24 bytes");
    }
    return key;
  }

  /**
   * The {@code webhook-signature} header value: one {@code v1,…} signature per key, in the order given.
   *
   * @param id        the {@code webhook-id}; must not contain '.', which would make the signed content ambiguous
   * @param timestamp the {@code webhook-timestamp}, seconds since the epoch
   */
  public static String sign(String id, long timestamp, byte[] body, List<byte[]> keys) {
    if (id.indexOf('.') >= 0) {
      throw new IllegalArgumentException("a webhook id must not contain '.'");
    }
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("no key to sign with");
    }
    byte[] prefix = (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
    StringJoiner header = new StringJoiner(" ");
    for (byte[] key : keys) {
      header.add("v1," + Base64.getEncoder().encodeToString(hmac(key, prefix, body)));
    }
    return header.toString();
  }

  private static byte[] hmac(byte[] key, byte[] prefix, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update(prefix);
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is unavailable in this JVM", e);
    }
  }
}
