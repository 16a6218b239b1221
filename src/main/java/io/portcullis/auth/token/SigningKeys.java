package io.portcullis.auth.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.portcullis.auth.secret.SecretBox;
import io.portcullis.auth.secret.SecretStore;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The ECDSA P-256 key pairs tokens are signed with: the current key, which signs, and the previous
 * key, which is still trusted for verification so that tokens issued just before a rotation stay
 * valid until they expire.
 *
 * <p>Both keys are kept as one JWK set in a {@link SecretStore}, sealed by a {@link SecretBox}, so the
 * private keys are encrypted at rest and current and previous change together atomically. Key ids are
 * RFC 7638 thumbprints. Thread-safe.
 */
public final class SigningKeys {
  /** Name of the sealed JWK set in the secret store. */
  public static final String SECRET_NAME = "token-signing-keys";

  private final SecretStore store;
  private final SecretBox box;
  private volatile KeyRing ring;

  private SigningKeys(SecretStore store, SecretBox box, KeyRing ring) {
    this.store = store;
    this.box = box;
    this.ring = ring;
  }

  /**
   * Loads the keys from {@code store}, generating and storing a first key pair if there are none.
   *
   * @throws io.portcullis.auth.secret.SecretDecryptionException if the stored keys were sealed with
   *     another master secret or were altered
   * @throws IllegalStateException if the stored keys decrypt but are not a valid P-256 key set
   */
  public static SigningKeys loadOrCreate(SecretStore store, SecretBox box) {
    Optional<byte[]> sealed = store.get(SECRET_NAME);
    if (sealed.isPresent()) {
      return new SigningKeys(store, box, decode(box.open(SECRET_NAME, sealed.get())));
    }
    SigningKeys keys = new SigningKeys(store, box, KeyRing.of(generate(), null));
    keys.persist(keys.ring);
    return keys;
  }

  /**
   * Generates a new signing key; the current key becomes the previous one and the former previous key
   * is no longer trusted. Rotate less often than the token lifetime, or tokens signed by the dropped
   * key are rejected before they expire.
   */
  public synchronized void rotate() {
    KeyRing rotated = KeyRing.of(generate(), ring.current());
    persist(rotated);
    ring = rotated;
  }

  /** Id of the key new tokens are signed with. */
  public String currentKeyId() {
    return ring.current().getKeyID();
  }

  /** Public keys trusted for verification (current, then previous if any); safe to publish as JWKS. */
  public JWKSet verificationKeys() {
    return ring.publicKeys();
  }

  KeyRing ring() {
    return ring;
  }

  private void persist(KeyRing keys) {
    List<JWK> all = new ArrayList<>();
    all.add(keys.current());
    keys.previous().ifPresent(all::add);
    byte[] json = new JWKSet(all).toString(false).getBytes(StandardCharsets.UTF_8);
    store.put(SECRET_NAME, box.seal(SECRET_NAME, json));
  }

  private static KeyRing decode(byte[] json) {
    try {
      List<JWK> keys = JWKSet.parse(new String(json, StandardCharsets.UTF_8)).getKeys();
      if (keys.isEmpty() || keys.size() > 2) {
        throw new IllegalStateException("stored token signing key set holds " + keys.size() + " keys, expected 1 or 2");
      }
      return KeyRing.of(requireSigningKey(keys.get(0)), keys.size() == 2 ? requireSigningKey(keys.get(1)) : null);
    } catch (ParseException e) {
      throw new IllegalStateException("stored token signing key set is not a valid JWK set", e);
    }
  }

  private static ECKey requireSigningKey(JWK jwk) {
    if (!(jwk instanceof ECKey ec) || !Curve.P_256.equals(ec.getCurve()) || !ec.isPrivate()
        || ec.getKeyID() == null) {
      throw new IllegalStateException(
          "stored token signing key " + jwk.getKeyID() + " is not a private P-256 key with a key id");
    }
    return ec;
  }

  private static ECKey generate() {
    try {
      return new ECKeyGenerator(Curve.P_256)
          .keyUse(KeyUse.SIGNATURE)
          .algorithm(JWSAlgorithm.ES256)
          .keyIDFromThumbprint(true)
          .generate();
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot generate a P-256 key pair", e);
    }
  }

  /** One consistent view of the keys, swapped as a whole on rotation. */
  record KeyRing(ECKey current, Optional<ECKey> previous, JWSSigner signer, JWKSet publicKeys) {
    static KeyRing of(ECKey current, ECKey previous) {
      List<JWK> publicKeys = new ArrayList<>();
      publicKeys.add(current.toPublicJWK());
      if (previous != null) {
        publicKeys.add(previous.toPublicJWK());
      }
      try {
        return new KeyRing(current, Optional.ofNullable(previous), new ECDSASigner(current), new JWKSet(publicKeys));
      } catch (JOSEException e) {
        throw new IllegalStateException("cannot sign with key " + current.getKeyID(), e);
      }
    }

    boolean trusts(String keyId) {
      return publicKeys.getKeyByKeyId(keyId) != null;
    }
  }
}
