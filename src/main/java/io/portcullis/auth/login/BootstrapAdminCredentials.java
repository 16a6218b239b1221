package io.portcullis.auth.login;

import io.portcullis.auth.Principal;
import io.portcullis.auth.secret.SecretStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

/**
 * The password login of the built-in administrator, who exists before any user directory does. Its
 * Argon2id hash is kept in a {@link SecretStore} under {@value #SECRET_NAME} and upgraded to the current
 * parameters after a successful login.
 *
 * <p>For any other username, or before a password is set, a dummy hash is checked instead so that the
 * answer takes as long as for the administrator.
 */
public final class BootstrapAdminCredentials implements Credentials {
  /** Name of the stored password hash. */
  public static final String SECRET_NAME = "bootstrap-admin-password";
  /** Shortest password {@link #setPassword} accepts. */
  public static final int MIN_PASSWORD_LENGTH = 12;

  private final String username;
  private final SecretStore store;
  private final PasswordHasher hasher;
  private final Principal principal;
  private final String dummyHash;

  /**
   * @param username the administrator's login name
   * @throws IllegalArgumentException if the username is not a valid subject
   */
  public BootstrapAdminCredentials(String username, SecretStore store, PasswordHasher hasher) {
    this.principal = new Principal(username, Principal.Kind.ADMIN, Set.of(Principal.Flag.BOOTSTRAP));
    this.username = username;
    this.store = store;
    this.hasher = hasher;
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    this.dummyHash = hasher.hash(Base64.getEncoder().encodeToString(random));
  }

  /**
   * Sets (or replaces) the administrator's password.
   *
   * @throws IllegalArgumentException if it is shorter than {@value #MIN_PASSWORD_LENGTH} characters or
   *     longer than {@link PasswordHasher#MAX_PASSWORD_BYTES} bytes
   */
  public void setPassword(String password) {
    if (password.codePointCount(0, password.length()) < MIN_PASSWORD_LENGTH) {
      throw new IllegalArgumentException(
          "the administrator password needs at least " + MIN_PASSWORD_LENGTH + " characters");
    }
    storeHash(hasher.hash(password));
  }

  /** Whether a password has been set, i.e. the administrator can log in. */
  public boolean hasPassword() {
    return store.get(SECRET_NAME).isPresent();
  }

  @Override
  public Optional<Principal> authenticate(String username, String password) {
    Optional<String> stored = store.get(SECRET_NAME).map(bytes -> new String(bytes, StandardCharsets.UTF_8));
    boolean isAdmin = MessageDigest.isEqual(
        username.getBytes(StandardCharsets.UTF_8), this.username.getBytes(StandardCharsets.UTF_8));
    String expected = isAdmin && stored.isPresent() ? stored.get() : dummyHash;
    boolean matches = hasher.verify(password, expected);
    if (!matches || !isAdmin || stored.isEmpty()) {
      return Optional.empty();
    }
    if (hasher.needsRehash(expected)) {
      storeHash(hasher.hash(password));
    }
    return Optional.of(principal);
  }

  private void storeHash(String hash) {
    store.put(SECRET_NAME, hash.getBytes(StandardCharsets.UTF_8));
  }
}
