package io.portcullis.identity;

import io.portcullis.metadata.Tx;
import java.util.List;
import java.util.Optional;

/** User accounts. Times are epoch milliseconds. */
public interface UserStore {
  /**
   * Adds a user whose namespace the caller has claimed.
   *
   * @param passwordHash null for users without a local password
   */
  void insert(Tx tx, String name, UserSource source, String displayName, String email, String passwordHash,
      boolean systemAdmin, long createdAt);

  Optional<User> find(Tx tx, String name);

  boolean exists(Tx tx, String name);

  /** Users in name order after {@code after} (null: from the start), at most {@code limit}. */
  List<User> page(Tx tx, String after, int limit);

  /** The names of the enabled users {@code source} created, in name order. */
  List<String> enabledNames(Tx tx, UserSource source);

  /** Where the user comes from, if the user exists. */
  Optional<UserSource> source(Tx tx, String name);

  /** Whether a user other than {@code otherThan} has {@code externalId} in {@code source}. */
  boolean hasExternalId(Tx tx, UserSource source, String externalId, String otherThan);

  void updateProfile(Tx tx, String name, String displayName, String email);

  /** The profile and id a directory reports for the user. */
  void updateDirectoryProfile(Tx tx, String name, String displayName, String email, String externalId);

  void setSystemAdmin(Tx tx, String name, boolean systemAdmin);

  void setDisabled(Tx tx, String name, boolean disabled);

  void setPasswordHash(Tx tx, String name, String passwordHash);

  /** The user's password hash, if the user exists and has one. */
  Optional<String> passwordHash(Tx tx, String name);

  void setLastLogin(Tx tx, String name, long at);

  /**
   * Sets the last login to {@code at} unless one was recorded less than {@code minIntervalMillis} before,
   * so that frequent logins do not each cost a write.
   */
  void recordLogin(Tx tx, String name, long at, long minIntervalMillis);
}
