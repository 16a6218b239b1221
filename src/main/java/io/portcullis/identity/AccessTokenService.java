package io.portcullis.identity;

import io.portcullis.auth.Principal;
import io.portcullis.events.EventType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.mapper.RowMapper;

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

  private static final String COLUMNS = "id, owner, name, scope, created_at, expires_at, revoked_at, last_used_at";
  private static final RowMapper<PersonalAccessToken> MAPPER = (rs, ctx) -> new PersonalAccessToken(
      rs.getString("id"), rs.getString("owner"), rs.getString("name"), TokenScope.fromWireName(rs.getString("scope")),
      Rows.instant(rs, "created_at"), Rows.instant(rs, "expires_at"), Rows.instant(rs, "revoked_at"),
      Rows.instant(rs, "last_used_at"));

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
    context.write(h -> {
      if (Context.isBootstrapAdmin(actor)) {
        requireBootstrapAccount(h, actor, owner, now);
      }
      int tokens = h.createQuery("SELECT COUNT(*) FROM personal_access_tokens WHERE owner = ?").bind(0, owner)
          .mapTo(Integer.class).one();
      if (tokens >= MAX_TOKENS_PER_USER) {
        throw new InvalidValueException("users are limited to " + MAX_TOKENS_PER_USER + " tokens; delete revoked ones");
      }
      h.createUpdate("INSERT INTO personal_access_tokens(id, owner, name, secret_hash, scope, created_at, expires_at)"
              + " VALUES (?, ?, ?, ?, ?, ?, ?)")
          .bind(0, id).bind(1, owner).bind(2, label).bind(3, Secrets.hash(secret)).bind(4, scope.wireName())
          .bind(5, now).bind(6, Rows.millis(expiresAt)).execute();
      context.record(h, actor, EventType.TOKEN_CREATED, "token " + id, null, expiresAt == null
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
  private void requireBootstrapAccount(org.jdbi.v3.core.Handle h, Principal actor, String owner, long now) {
    if (Context.exists(h, "SELECT 1 FROM users WHERE name = ?", owner)) {
      return;
    }
    UserService.claimNamespace(h, owner, "user");
    h.createUpdate("INSERT INTO users(name, system_admin, source, created_at) VALUES (?, TRUE, 'local', ?)")
        .bind(0, owner).bind(1, now).execute();
    context.record(h, actor, EventType.USER_CREATED, "user " + owner, null,
        Map.of("source", "bootstrap", "systemAdmin", "true"));
  }

  /** The user's tokens, newest first. @throws ForbiddenException unless the actor is the owner or a system admin */
  public List<PersonalAccessToken> list(Principal actor, String owner) {
    requireOwnerOrAdmin(actor, owner);
    return context.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM personal_access_tokens WHERE owner = ?"
            + " ORDER BY created_at DESC, id")
        .bind(0, owner).map(MAPPER).list());
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
    context.write(h -> {
      if (!Context.exists(h, "SELECT 1 FROM personal_access_tokens WHERE id = ? AND owner = ?", id, owner)) {
        throw new NotFoundException("token", id);
      }
      int revoked = h.createUpdate("UPDATE personal_access_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
          .bind(0, now).bind(1, id).execute();
      if (revoked == 1) {
        context.record(h, actor, EventType.TOKEN_REVOKED, "token " + id, null, Map.of("owner", owner));
      }
      return revoked;
    });
    activeUntil.invalidate(id);
    return find(id).orElseThrow();
  }

  /** Deletes a token for good (its entry disappears from the list). */
  public void delete(Principal actor, String owner, String id) {
    requireOwnerOrAdmin(actor, owner);
    context.write(h -> {
      int deleted = h.createUpdate("DELETE FROM personal_access_tokens WHERE id = ? AND owner = ?")
          .bind(0, id).bind(1, owner).execute();
      if (deleted == 0) {
        throw new NotFoundException("token", id);
      }
      context.record(h, actor, EventType.TOKEN_DELETED, "token " + id, null, Map.of("owner", owner));
      return deleted;
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
    Long until = activeUntil.get(id, this::loadActiveUntil);
    return until != null && until > context.now();
  }

  /** Until when the token stands (Long.MAX_VALUE without expiry); 0 when it does not. */
  private Long loadActiveUntil(String id) {
    return context.read(h -> h.createQuery("SELECT t.expires_at, t.revoked_at, u.disabled FROM personal_access_tokens t "
            + "JOIN users u ON u.name = t.owner WHERE t.id = ?")
        .bind(0, id)
        .map((rs, ctx) -> {
          Long expires = Rows.nullableLong(rs, "expires_at");
          boolean standing = Rows.nullableLong(rs, "revoked_at") == null && !rs.getBoolean("disabled");
          return standing ? (expires == null ? Long.MAX_VALUE : expires) : 0L;
        })
        .findOne().orElse(0L));
  }

  /** Revokes every standing token of {@code owner} inside the caller's transaction (a password change). */
  int revokeAll(org.jdbi.v3.core.Handle h, String owner) {
    int revoked = h.createUpdate("UPDATE personal_access_tokens SET revoked_at = ? WHERE owner = ? AND revoked_at IS NULL")
        .bind(0, context.now()).bind(1, owner).execute();
    activeUntil.invalidateAll();
    return revoked;
  }

  /** A token's login data, if it exists (for the login path). */
  Optional<StoredToken> stored(String id) {
    return context.read(h -> h.createQuery(
            "SELECT owner, secret_hash, scope, expires_at, revoked_at FROM personal_access_tokens WHERE id = ?")
        .bind(0, id)
        .map((rs, ctx) -> new StoredToken(rs.getString("owner"), rs.getString("secret_hash"),
            TokenScope.fromWireName(rs.getString("scope")), Rows.nullableLong(rs, "expires_at"),
            Rows.nullableLong(rs, "revoked_at")))
        .findOne());
  }

  void recordUse(String id) {
    long now = context.now();
    context.db.write(h -> h.createUpdate(
            "UPDATE personal_access_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)")
        .bind(0, now).bind(1, id).bind(2, now - UserService.LOGIN_RECORD_INTERVAL_MILLIS).execute());
  }

  /** A token's login data. */
  record StoredToken(String owner, String secretHash, TokenScope scope, Long expiresAt, Long revokedAt) {}

  private Optional<PersonalAccessToken> find(String id) {
    return context.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM personal_access_tokens WHERE id = ?")
        .bind(0, id).map(MAPPER).findOne());
  }

  private void requireOwnerOrAdmin(Principal actor, String owner) {
    if (!context.isSelf(actor, owner) && !context.access.isSystemAdmin(actor)) {
      throw new ForbiddenException("only the owner and system administrators may see or change these tokens");
    }
  }
}
