package io.portcullis.shared;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A content digest ({@code algorithm:hex}) as the OCI image spec defines it. Only the registered
 * algorithms sha256 and sha512 are accepted, with lowercase hex of the exact length.
 */
public record Digest(String algorithm, String hex) implements Comparable<Digest> {
  public static final String SHA256 = "sha256";
  public static final String SHA512 = "sha512";
  private static final HexFormat HEX = HexFormat.of();

  public Digest {
    int expected = switch (algorithm) {
      case SHA256 -> 64;
      case SHA512 -> 128;
      default -> throw RegistryError.DIGEST_INVALID.exception("unsupported digest algorithm " + algorithm);
    };
    if (hex.length() != expected || !isLowerHex(hex)) {
      throw RegistryError.DIGEST_INVALID.exception("malformed " + algorithm + " digest");
    }
  }

  /** Parses {@code sha256:<64 hex>}; anything else is DIGEST_INVALID. */
  public static Digest parse(String text) {
    if (text == null) {
      throw RegistryError.DIGEST_INVALID.exception("missing digest");
    }
    int colon = text.indexOf(':');
    if (colon <= 0) {
      throw RegistryError.DIGEST_INVALID.exception("malformed digest");
    }
    return new Digest(text.substring(0, colon), text.substring(colon + 1));
  }

  public static boolean looksLikeDigest(String reference) {
    return reference.indexOf(':') > 0;
  }

  public static Digest of(String algorithm, byte[] hash) {
    return new Digest(algorithm, HEX.formatHex(hash));
  }

  public static Digest sha256(byte[] content) {
    return of(SHA256, newMessageDigest(SHA256).digest(content));
  }

  public static MessageDigest newMessageDigest(String algorithm) {
    try {
      return MessageDigest.getInstance(switch (algorithm) {
        case SHA256 -> "SHA-256";
        case SHA512 -> "SHA-512";
        default -> throw RegistryError.DIGEST_INVALID.exception("unsupported digest algorithm " + algorithm);
      });
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks " + algorithm, e);
    }
  }

  private static boolean isLowerHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int compareTo(Digest o) {
    return toString().compareTo(o.toString());
  }

  @Override
  public String toString() {
    return algorithm + ':' + hex;
  }
}
