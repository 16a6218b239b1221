package io.portcullis.identity;

import io.portcullis.auth.Principal;
import io.portcullis.events.EventType;
import io.portcullis.metadata.Tx;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Personal access tokens: secrets a user creates for CLIs and CI, used instead of the password
 * ({@code docker login -u alice -p pcl_…}). A token has the form {@code pcl_<id>_<secret>}; it is returned
 * once by {@link #create} and stored only as a hash. Its scope is {@code read} (pull only) or
 * {@code read-write} (whatever its owner may); it may expire and can be revoked.
 *
 * <p>Users create tokens for themselves only; they and system administrators list and revoke them.
 * Thread-safe.
 */
public final class AccessTokenService {
  /** Most tokens (revoked ones included) one user may have. */
  public static final int MAX_TOKENS_PER_USER = 100;

  /** How long another replica may go on honouring a token revoked there. */
  static final java.time.Duration STATUS_CACHE_TTL = java.time.Duration.ofSeconds(5);

  private final Context context;
  private final com.github.benmanes.caffeine.cache.Cache<String, Long> activeUntil =
      com.github.benmanes.caffeine.cache.Caffeine.newBuilder()
          .maximumSize(10_000).expireAfterWrite(STATUS_CACHE_TTL).executor(Runnable::run).build();

  AccessTokenService(Context context) {
    this.context = context;
  }

  /**
   * Creates a token for the acting user.
   *
   * @param name      what the token is for, e.g. {@code laptop} or {@code ci}
   * @param expiresAt when it stops working; null for never
   * @throws ForbiddenException    unless the actor is {@code owner} signed in with credentials that may write
   * @throws InvalidValueException for an empty name, a past expiry, or too many tokens
   */
  public Issued<PersonalAccessToken> create(Principal actor, String owner, String name, TokenScope scope,
      Instant expiresAt) {
    if (!context.isSelf(actor, owner)) {
      throw new ForbiddenException("users create personal access tokens for themselves only");
    }
    String label = Names.text("token name", name, Names.MAX_SHORT_TEXT_LENGTH, false);
    if (label == null) {
      throw new InvalidValueException("a token needs a name");
    }
    if (expiresAt != null && !expiresAt.isAfter(context.clock.instant())) {
      throw new InvalidValueException("expiry " + expiresAt + " is not in the future");
    }
    if (Context.isBootstrapAdmin(actor)) {
      Names.requireName("user", owner);
    }
    String id = Secrets.newTokenId();
    String secret = Secrets.newSecret();
    long now = context.now();
    context.write(tx -> {
      if (Context.isBootstrapAdmin(actor)) {
        requireBootstrapAccount(tx, actor, owner, now);
      }
      if (context.tokens.count(tx, owner) >= MAX_TOKENS_PER_USER) {
        throw new InvalidValueException("users are limited to " + MAX_TOKENS_PER_USER + " tokens; delete revoked ones");
      }
      context.tokens.insert(tx, id, owner, label, Secrets.hash(secret), scope, now, expiresAt);
      context.record(tx, actor, EventType.TOKEN_CREATED, "token " + id, null, expiresAt == null
          ? Map.of("owner", owner, "name", label, "scope", scope.wireName())
          : Map.of("owner", owner, "name", label, "scope", scope.wireName(), "expiresAt", expiresAt.toString()));
      return null;
    });
    return new Issued<>(find(id).orElseThrow(), Secrets.token(id, secret));
  }

  /**
   * Gives the bootstrap administrator, who lives in configuration, the users row a token's owner needs:
   * local, without a password (logins with a password still go to the configured one), system
   * administrator. Through it the token is listed, revoked and ended by disabling, as any user's.
   */
  private void requireBootstrapAccount(Tx tx, Principal actor, String owner, long now) {
    if (context.users.exists(tx, owner)) {
      return;
    }
    context.claimNamespace(tx, owner, "user");
    context.users.insert(tx, owner, UserSource.LOCAL, null, null, null, true, now);
    context.record(tx, actor, EventType.USER_CREATED, "user " + owner, null,
        Map.of("source", "bootstrap", "systemAdmin", "true"));
  }

  /** The user's tokens, newest first. @throws ForbiddenException unless the actor is the owner or a system admin */
  public List<PersonalAccessToken> list(Principal actor, String owner) {
    requireOwnerOrAdmin(actor, owner);
    return context.read(tx -> context.tokens.list(tx, owner));
  }

  /**
   * Revokes a token: it stops working at once (registry tokens already issued with it live on until
   * their short expiry). Revoking twice is harmless.
   *
   * @throws NotFoundException if the owner has no such token
   */
  public PersonalAccessToken revoke(Principal actor, String owner, String id) {
    requireOwnerOrAdmin(actor, owner);
    long now = context.now();
    context.write(tx -> {
      if (!context.tokens.exists(tx, id, owner)) {
        throw new NotFoundException("token", id);
      }
      if (context.tokens.revoke(tx, id, now)) {
        context.record(tx, actor, EventType.TOKEN_REVOKED, "token " + id, null, Map.of("owner", owner));
      }
      return null;
    });
    activeUntil.invalidate(id);
    return find(id).orElseThrow();
  }

  /** Deletes a token for good (its entry disappears from the list). */
  public void delete(Principal actor, String owner, String id) {
    requireOwnerOrAdmin(actor, owner);
    context.write(tx -> {
      if (!context.tokens.delete(tx, id, owner)) {
        throw new NotFoundException("token", id);
      }
      context.record(tx, actor, EventType.TOKEN_DELETED, "token " + id, null, Map.of("owner", owner));
      return null;
    });
    activeUntil.invalidate(id);
  }

  /**
   * Whether the personal access token named by a principal's credential ({@code pat:<id>}) still
   * stands: not revoked, not expired, its owner not disabled. Asked on every use of a token issued
   * from it, so answers are remembered briefly; revocations on this replica take effect at once.
   */
  public boolean isActive(String credential) {
    if (credential == null || !credential.startsWith(Principal.PERSONAL_ACCESS_TOKEN)) {
      return false;
    }
    String id = credential.substring(Principal.PERSONAL_ACCESS_TOKEN.length());
    Long until = activeUntil.get(id, key -> context.read(tx -> context.tokens.activeUntil(tx, key)));
    return until != null && until > context.now();
  }

  /** Revokes every standing token of {@code owner} inside the caller's transaction (a password change). */
  int revokeAll(Tx tx, String owner) {
    int revoked = context.tokens.revokeAll(tx, owner, context.now());
    activeUntil.invalidateAll();
    return revoked;
  }

  /** A token's login data, if it exists (for the login path). */
  Optional<TokenStore.StoredToken> stored(String id) {
    return context.read(tx -> context.tokens.stored(tx, id));
  }

  void recordUse(String id) {
    long now = context.now();
    context.db.inTransaction(tx -> {
      context.tokens.recordUse(tx, id, now, UserService.LOGIN_RECORD_INTERVAL_MILLIS);
      return null;
    });
  }

  private Optional<PersonalAccessToken> find(String id) {
    return context.read(tx -> context.tokens.find(tx, id));
  }

  private void requireOwnerOrAdmin(Principal actor, String owner) {
    if (!context.isSelf(actor, owner) && !context.access.isSystemAdmin(actor)) {
      throw new ForbiddenException("only the owner and system administrators may see or change these tokens");
    }
  }
}
