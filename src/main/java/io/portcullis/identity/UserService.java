package io.portcullis.identity;

import io.portcullis.auth.Principal;
import io.portcullis.auth.login.PasswordHasher;
import io.portcullis.events.EventType;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * User accounts: local users with Argon2id passwords, and users synchronised from an external directory.
 *
 * <p>System administrators create users, set flags and disable accounts; every user may edit their own
 * profile and password. Signed-in users may list and look up users, but see only the public
 * {@link UserProfile} of anyone but themselves unless they are system administrators. Users are
 * disabled, never deleted, so their name (a namespace) is never reused by someone else. Thread-safe.
 */
public final class UserService {
  /** Shortest accepted password, in characters. */
  public static final int MIN_PASSWORD_LENGTH = 12;
  /** Logins closer together than this update {@code last_login_at} only once, sparing the writer. */
  static final long LOGIN_RECORD_INTERVAL_MILLIS = 60_000;

  private final Context context;
  private final PasswordHasher hasher;
  private final AccessTokenService tokens;

  UserService(Context context, PasswordHasher hasher, AccessTokenService tokens) {
    this.context = context;
    this.hasher = hasher;
    this.tokens = tokens;
  }

  /**
   * Creates a local user.
   *
   * @throws ForbiddenException     unless the actor is a system administrator
   * @throws InvalidNameException   for a bad or reserved name
   * @throws InvalidValueException  for a weak password or bad profile text
   * @throws AlreadyExistsException if a user or organization has the name
   */
  public User create(Principal actor, String name, String password, String displayName, String email,
      boolean systemAdmin) {
    context.requireSystemAdmin(actor);
    requireNamespaceName(context, "user", name);
    String display = Names.text("display name", displayName, Names.MAX_SHORT_TEXT_LENGTH, false);
    String mail = Names.email(email);
    String hash = hasher.hash(requireStrongPassword(password));
    long now = context.now();
    context.write(tx -> {
      context.claimNamespace(tx, name, "user");
      context.users.insert(tx, name, UserSource.LOCAL, display, mail, hash, systemAdmin, now);
      context.record(tx, actor, EventType.USER_CREATED, "user " + name, null,
          Map.of("source", "local", "systemAdmin", Boolean.toString(systemAdmin)));
      return null;
    });
    return find(name).orElseThrow();
  }

  /**
   * The whole account.
   *
   * @throws ForbiddenException unless the actor is the user or a system administrator
   * @throws NotFoundException  if there is no such user
   */
  public User get(Principal actor, String name) {
    context.requirePerson(actor);
    if (!actor.subject().equals(name) && !context.access.isSystemAdmin(actor)) {
      throw new ForbiddenException("only the user and system administrators may see the whole account");
    }
    return find(name).orElseThrow(() -> new NotFoundException("user", name));
  }

  /**
   * The user as the actor may see them: the whole account, or its public profile.
   *
   * @throws ForbiddenException for anonymous clients and robots
   * @throws NotFoundException  if there is no such user
   */
  public UserView view(Principal actor, String name) {
    context.requirePerson(actor);
    User user = find(name).orElseThrow(() -> new NotFoundException("user", name));
    return visibleTo(actor, context.access.isSystemAdmin(actor), user);
  }

  /**
   * Users in name order, starting after {@code after} (null: from the start), at most {@code limit}
   * (capped at {@value Context#MAX_PAGE}), each as the actor may see them.
   */
  public List<UserView> list(Principal actor, String after, int limit) {
    context.requirePerson(actor);
    int size = Context.pageSize(limit);
    boolean admin = context.access.isSystemAdmin(actor);
    return context.read(tx -> context.users.page(tx, after, size)).stream()
        .map(user -> visibleTo(actor, admin, user)).toList();
  }

  /** Flags, e-mail addresses and login times are the user's and the administrators' business only. */
  private static UserView visibleTo(Principal actor, boolean admin, User user) {
    return admin || actor.subject().equals(user.name()) ? user : user.profile();
  }

  /**
   * Replaces the display name and e-mail address (null or blank clears them).
   *
   * @throws ForbiddenException unless the actor is the user or a system administrator
   */
  public User updateProfile(Principal actor, String name, String displayName, String email) {
    return update(actor, name, new Change(true, displayName, email, null, null));
  }

  /**
   * Changes to one account, applied together.
   *
   * @param replaceProfile whether {@code displayName} and {@code email} replace the profile (null or blank clears)
   * @param systemAdmin    the new administrator flag; null keeps it
   * @param disabled       the new disabled flag; null keeps it
   */
  public record Change(boolean replaceProfile, String displayName, String email, Boolean systemAdmin, Boolean disabled) {}

  /**
   * Applies a change to an account atomically: every check (who may, valid text) comes first, then all
   * of it in one transaction, so a refused part leaves the account as it was.
   *
   * @throws ForbiddenException unless the actor is the user or a system administrator (the profile), a
   *                            system administrator (the flags), and not disabling their own account
   */
  public User update(Principal actor, String name, Change change) {
    if (change.replaceProfile()) {
      requireSelfOrAdmin(actor, name);
    }
    if (change.systemAdmin() != null || change.disabled() != null) {
      context.requireSystemAdmin(actor);
    }
    if (Boolean.TRUE.equals(change.disabled()) && context.isSelf(actor, name)) {
      throw new ForbiddenException("administrators cannot disable their own account");
    }
    String display = Names.text("display name", change.displayName(), Names.MAX_SHORT_TEXT_LENGTH, false);
    String mail = Names.email(change.email());
    context.write(tx -> {
      context.requireUser(tx, name);
      if (change.replaceProfile()) {
        context.users.updateProfile(tx, name, display, mail);
        context.record(tx, actor, EventType.USER_UPDATED, "user " + name);
      }
      if (change.systemAdmin() != null) {
        context.users.setSystemAdmin(tx, name, change.systemAdmin());
        context.record(tx, actor, change.systemAdmin() ? EventType.USER_ADMIN_GRANTED : EventType.USER_ADMIN_REVOKED,
            "user " + name);
      }
      if (change.disabled() != null) {
        context.users.setDisabled(tx, name, change.disabled());
        context.record(tx, actor, change.disabled() ? EventType.USER_DISABLED : EventType.USER_ENABLED, "user " + name);
      }
      return null;
    });
    return find(name).orElseThrow();
  }

  /**
   * Sets a local user's password and revokes the user's personal access tokens (a password change is
   * what a user does after a leak; tokens made with the old password must not outlive it).
   *
   * @param currentPassword the user's present password: required when users change their own, so a
   *                        stolen session or token cannot take the account over; ignored for an
   *                        administrator setting another user's
   * @throws ForbiddenException    unless the actor is the user or a system administrator, signed in with a
   *                               password (never with a personal access token or as a robot), and the
   *                               current password is right
   * @throws InvalidValueException for a weak password, a user whose directory owns the password, or the
   *                               bootstrap administrator (whose password is not a user's)
   */
  public void setPassword(Principal actor, String name, String currentPassword, String password) {
    requireSelfOrAdmin(actor, name);
    if (actor.viaPersonalAccessToken() || actor.kind() == Principal.Kind.ROBOT) {
      throw new ForbiddenException("a password is changed only when signed in with a password, not with a token");
    }
    User user = find(name).orElseThrow(() -> new NotFoundException("user", name));
    if (context.reservedNames.contains(name)) {
      // The bootstrap administrator's users row only owns its tokens; password logins never look at it.
      throw new InvalidValueException("the bootstrap administrator's password is not kept with the users");
    }
    if (user.source() != UserSource.LOCAL) {
      throw new InvalidValueException("user '" + name + "' logs in through " + user.source()
          + "; change the password there");
    }
    if (context.isSelf(actor, name)) {
      String stored = passwordHash(name).orElse(null);
      if (currentPassword == null || stored == null || !hasher.verify(currentPassword, stored)) {
        throw new ForbiddenException("the current password is required and must be right");
      }
    }
    String hash = hasher.hash(requireStrongPassword(password));
    context.write(tx -> {
      context.users.setPasswordHash(tx, name, hash);
      int revoked = tokens.revokeAll(tx, name);
      context.record(tx, actor, EventType.USER_PASSWORD_CHANGED, "user " + name, null,
          Map.of("tokensRevoked", Integer.toString(revoked)));
      return revoked;
    });
  }

  /** @throws ForbiddenException unless the actor is a system administrator */
  public User setSystemAdmin(Principal actor, String name, boolean systemAdmin) {
    return update(actor, name, new Change(false, null, null, systemAdmin, null));
  }

  /**
   * Disables or re-enables an account. A disabled user can neither log in nor use tokens, and is
   * granted nothing.
   *
   * @throws ForbiddenException unless the actor is a system administrator other than the user
   */
  public User setDisabled(Principal actor, String name, boolean disabled) {
    return update(actor, name, new Change(false, null, null, null, disabled));
  }

  /**
   * Creates or updates the user an external directory vouched for, and brings their synchronised team
   * memberships in line with their groups through the group mappings (memberships added by hand are
   * kept). Called on each directory login and by scheduled directory synchronisation.
   *
   * @throws InvalidNameException   if the directory's user name is not a valid user name, or reserved
   * @throws AlreadyExistsException if the name belongs to an organization, a local user or a user of
   *                                another directory, or the external id to another user
   */
  public User synchronise(ExternalUser external) {
    return synchronise(external, true);
  }

  /**
   * Scheduled synchronisation of every user a directory created: profile and group-mapped teams are
   * refreshed from {@code lookup}; a user the directory no longer knows is disabled. Returns how many
   * users were refreshed and disabled.
   */
  public int[] synchroniseAll(UserSource source, java.util.function.Function<String, Optional<ExternalUser>> lookup) {
    List<String> names = context.read(tx -> context.users.enabledNames(tx, source));
    int refreshed = 0;
    int disabled = 0;
    for (String name : names) {
      Optional<ExternalUser> current = lookup.apply(name);
      if (current.isPresent()) {
        synchronise(current.get(), false);
        refreshed++;
      } else {
        context.write(tx -> {
          context.users.setDisabled(tx, name, true);
          context.record(tx, null, EventType.USER_DISABLED, "user " + name, null,
              Map.of("reason", source.wireName() + " no longer knows the user"));
          return null;
        });
        disabled++;
      }
    }
    return new int[] {refreshed, disabled};
  }

  private User synchronise(ExternalUser external, boolean login) {
    String name = external.username().toLowerCase(Locale.ROOT);
    requireNamespaceName(context, "user", name);
    String display = Names.text("display name", external.displayName(), Names.MAX_SHORT_TEXT_LENGTH, false);
    String mail = Names.email(external.email());
    String externalId = Names.text("external id", external.externalId(), Names.MAX_SHORT_TEXT_LENGTH, false);
    Set<String> groups = external.groups().stream().map(g -> g.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    long now = context.now();
    context.write(tx -> {
      Optional<UserSource> source = context.users.source(tx, name);
      if (source.isPresent() && source.get() != external.source()) {
        throw new AlreadyExistsException(source.get().wireName() + " user", name);
      }
      if (externalId != null && context.users.hasExternalId(tx, external.source(), externalId, name)) {
        throw new AlreadyExistsException("user with external id", externalId);
      }
      if (source.isEmpty()) {
        context.claimNamespace(tx, name, "user");
        context.users.insert(tx, name, external.source(), null, null, null, false, now);
        context.record(tx, null, EventType.USER_CREATED, "user " + name, null,
            Map.of("source", external.source().wireName()));
      }
      context.users.updateDirectoryProfile(tx, name, display, mail, externalId);
      if (login) {
        context.users.setLastLogin(tx, name, now);
      }
      Set<TeamStore.Key> teams = new HashSet<>();
      for (GroupMapping mapping : context.teams.mappings(tx)) {
        if (groups.contains(mapping.group().toLowerCase(Locale.ROOT))) {
          teams.add(new TeamStore.Key(mapping.organization(), mapping.team()));
        }
      }
      context.teams.replaceSyncedMemberships(tx, name, teams);
      return null;
    });
    return find(name).orElseThrow();
  }

  /** The user named, if any, without access checks (for the login path and after writes). */
  Optional<User> find(String name) {
    return context.read(tx -> context.users.find(tx, name));
  }

  /** The stored password hash of a user, if the user exists and has one. */
  Optional<String> passwordHash(String name) {
    return context.read(tx -> context.users.passwordHash(tx, name));
  }

  /** Replaces a hash made with old parameters after a successful login. */
  void rehash(String name, String password) {
    String hash = hasher.hash(password);
    context.db.inTransaction(tx -> {
      context.users.setPasswordHash(tx, name, hash);
      return null;
    });
  }

  void recordLogin(String name) {
    long now = context.now();
    context.db.inTransaction(tx -> {
      context.users.recordLogin(tx, name, now, LOGIN_RECORD_INTERVAL_MILLIS);
      return null;
    });
  }

  /**
   * @throws InvalidValueException if shorter than {@value #MIN_PASSWORD_LENGTH} characters, longer than
   *     {@link PasswordHasher#MAX_PASSWORD_BYTES} bytes, or shaped like a personal access token (which
   *     would make logins with it ambiguous)
   */
  static String requireStrongPassword(String password) {
    if (password == null || password.codePointCount(0, password.length()) < MIN_PASSWORD_LENGTH) {
      throw new InvalidValueException("passwords need at least " + MIN_PASSWORD_LENGTH + " characters");
    }
    if (password.getBytes(StandardCharsets.UTF_8).length > PasswordHasher.MAX_PASSWORD_BYTES) {
      throw new InvalidValueException("passwords are limited to " + PasswordHasher.MAX_PASSWORD_BYTES + " bytes");
    }
    if (Secrets.parseToken(password) != null) {
      throw new InvalidValueException("a password cannot have the form of a personal access token");
    }
    return password;
  }

  /** Validates a new user or organization name, which must not be reserved. */
  static void requireNamespaceName(Context context, String what, String name) {
    Names.requireName(what, name);
    if (context.reservedNames.contains(name)) {
      throw new InvalidNameException("the name '" + name + "' is reserved");
    }
  }

  private void requireSelfOrAdmin(Principal actor, String name) {
    if (!context.isSelf(actor, name) && !context.access.isSystemAdmin(actor)) {
      throw new ForbiddenException("only the user and system administrators may change this account");
    }
  }
}
