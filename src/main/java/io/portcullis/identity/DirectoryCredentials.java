package io.portcullis.identity;

import io.portcullis.auth.login.DirectoryUnavailableException;
import io.portcullis.auth.Principal;
import io.portcullis.auth.login.BootstrapAdminCredentials;
import io.portcullis.auth.login.Credentials;
import io.portcullis.auth.login.PasswordHasher;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logins of everyone the identity domain knows, as basic authentication at the token endpoint sends them:
 * <ul>
 *   <li>the bootstrap administrator (delegated to {@link BootstrapAdminCredentials}), unless the password
 *       has the shape of a personal access token, which is checked as the users' are;
 *   <li>robots: {@code org+robot} with their generated secret;
 *   <li>users with a personal access token as the password ({@code pcl_…}); the token must belong to the
 *       user, be neither revoked nor expired; a {@code read} token yields a {@link Principal.Flag#READ_ONLY}
 *       principal, which the access controller limits to pull;
 *   <li>local users with their password;
 *   <li>when an {@link ExternalDirectory} is configured, unknown users and users it created before are
 *       checked by it and synchronised (profile and group-mapped teams) on success.
 * </ul>
 * System administrators get {@link Principal.Kind#ADMIN}, other users {@link Principal.Kind#USER}.
 * Disabled accounts never log in. Unknown users are checked against a dummy hash so that the answer
 * takes as long as for a known one, and the result never says which part was wrong. Thread-safe.
 */
public final class DirectoryCredentials implements Credentials {
  private static final Logger log = LoggerFactory.getLogger(DirectoryCredentials.class);
  private static final int MAX_USERNAME_LENGTH = 255;

  private final UserService users;
  private final AccessTokenService tokens;
  private final RobotService robots;
  private final PasswordHasher hasher;
  private final Clock clock;
  private final BootstrapAdminCredentials bootstrap;
  private final String bootstrapUsername;
  private final ExternalDirectory external;
  private final String dummyPasswordHash;
  private final String dummySecretHash;

  DirectoryCredentials(Identity identity, PasswordHasher hasher, Clock clock,
      BootstrapAdminCredentials bootstrap, String bootstrapUsername, ExternalDirectory external) {
    this.users = identity.users();
    this.tokens = identity.tokens();
    this.robots = identity.robots();
    this.hasher = hasher;
    this.clock = clock;
    this.bootstrap = Objects.requireNonNull(bootstrap, "bootstrap");
    this.bootstrapUsername = Objects.requireNonNull(bootstrapUsername, "bootstrapUsername");
    this.external = external;
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    this.dummyPasswordHash = hasher.hash(Base64.getEncoder().encodeToString(random));
    this.dummySecretHash = Secrets.hash(Secrets.newSecret());
  }

  /**
   * @throws DirectoryUnavailableException when the login needs the external directory and it cannot be
   *     asked; local users, robots, tokens and the bootstrap administrator never need it
   */
  @Override
  public Optional<Principal> authenticate(String username, String password) {
    if (username == null || password == null) {
      return Optional.empty();
    }
    if (username.equals(bootstrapUsername) && Secrets.parseToken(password) == null) {
      return bootstrap.authenticate(username, password);
    }
    String name = username.length() > MAX_USERNAME_LENGTH ? "" : username.toLowerCase(Locale.ROOT);
    if (name.indexOf(Names.ROBOT_SEPARATOR) >= 0) {
      return robot(name, password);
    }
    Secrets.TokenParts token = Secrets.parseToken(password);
    if (token != null) {
      return personalAccessToken(name, token);
    }
    return password(username, name, password);
  }

  @Override
  public boolean isGeneratedSecret(String username, String password) {
    if (username == null || password == null) {
      return false;
    }
    return Secrets.parseToken(password) != null
        || (!username.equals(bootstrapUsername) && username.indexOf(Names.ROBOT_SEPARATOR) >= 0);
  }

  private Optional<Principal> password(String username, String name, String password) {
    Optional<User> user = name.isEmpty() ? Optional.empty() : users.find(name);
    if (user.isPresent() && user.get().source() == UserSource.LOCAL) {
      String hash = users.passwordHash(name).orElse(dummyPasswordHash);
      boolean matches = hasher.verify(password, hash);
      if (!matches || user.get().disabled() || hash.equals(dummyPasswordHash)) {
        return Optional.empty();
      }
      if (hasher.needsRehash(hash)) {
        users.rehash(name, password);
      }
      users.recordLogin(name);
      return Optional.of(principal(user.get(), false, null));
    }
    if (external != null && (user.isEmpty() || user.get().source() == UserSource.LDAP)) {
      return external.authenticate(username, password).flatMap(this::synchronised);
    }
    hasher.verify(password, dummyPasswordHash);
    return Optional.empty();
  }

  /**
   * Signs in a user an external identity provider has already authenticated (OpenID Connect):
   * synchronises the profile and group-mapped teams; empty when the user is disabled or unusable.
   */
  public Optional<Principal> signIn(ExternalUser externalUser) {
    return synchronised(externalUser);
  }

  private Optional<Principal> synchronised(ExternalUser externalUser) {
    User user;
    try {
      user = users.synchronise(externalUser);
    } catch (IdentityException e) {
      log.warn("directory user '{}' cannot log in: {}", externalUser.username(), e.getMessage());
      return Optional.empty();
    }
    return user.disabled() ? Optional.empty() : Optional.of(principal(user, false, null));
  }

  private Optional<Principal> personalAccessToken(String name, Secrets.TokenParts token) {
    Optional<TokenStore.StoredToken> stored = tokens.stored(token.id());
    boolean matches = Secrets.matches(token.secret(), stored.map(TokenStore.StoredToken::secretHash)
        .orElse(dummySecretHash));
    if (!matches || stored.isEmpty()) {
      return Optional.empty();
    }
    TokenStore.StoredToken found = stored.get();
    if (!found.owner().equals(name) || found.revokedAt() != null || expired(found.expiresAt())) {
      return Optional.empty();
    }
    Optional<User> owner = users.find(name).filter(u -> !u.disabled());
    if (owner.isEmpty()) {
      return Optional.empty();
    }
    tokens.recordUse(token.id());
    return Optional.of(principal(owner.get(), found.scope() == TokenScope.READ, Principal.PERSONAL_ACCESS_TOKEN + token.id()));
  }

  private Optional<Principal> robot(String name, String secret) {
    Optional<RobotStore.StoredRobot> stored = robots.stored(name);
    boolean matches = Secrets.matches(secret, stored.map(RobotStore.StoredRobot::secretHash).orElse(dummySecretHash));
    if (!matches || stored.isEmpty() || stored.get().disabled() || expired(stored.get().expiresAt())) {
      return Optional.empty();
    }
    robots.recordUse(name);
    return Optional.of(new Principal(name, Principal.Kind.ROBOT, EnumSet.noneOf(Principal.Flag.class)));
  }

  private boolean expired(Long expiresAt) {
    return expiresAt != null && expiresAt <= clock.millis();
  }

  private static Principal principal(User user, boolean readOnly, String credential) {
    EnumSet<Principal.Flag> flags = EnumSet.noneOf(Principal.Flag.class);
    if (readOnly) {
      flags.add(Principal.Flag.READ_ONLY);
    }
    return new Principal(user.name(), user.systemAdmin() ? Principal.Kind.ADMIN : Principal.Kind.USER, flags, credential);
  }
}
