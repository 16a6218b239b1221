package io.portcullis.auth;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Who a request acts for. Immutable.
 *
 * @param subject the name tokens carry in {@code sub}; empty exactly for {@link Kind#ANONYMOUS}, as
 *                the token specification asks for clients that did not authenticate
 * @param kind    what sort of account this is
 * @param flags   extra facts about the account; unmodifiable
 * @param credential the revocable credential the principal signed in with ({@code pat:<id>} for a
 *                personal access token), carried into the tokens issued for it so that revoking the
 *                credential ends them too; {@code null} for passwords, robot secrets and anonymous clients
 */
public record Principal(String subject, Kind kind, Set<Flag> flags, String credential) {

  /** Longest accepted subject name. */
  public static final int MAX_SUBJECT_LENGTH = 255;

  private static final Principal ANONYMOUS = new Principal("", Kind.ANONYMOUS, Set.of());

  /** What sort of account a principal is. */
  public enum Kind {
    /** A person with a password or personal access token. */
    USER,
    /** A non-person account used by CI and automation. */
    ROBOT,
    /** A client that presented no credentials. */
    ANONYMOUS,
    /** A registry administrator, allowed everything. */
    ADMIN
  }

  /** Facts about an account that do not change its kind. */
  public enum Flag {
    /** The built-in administrator created at installation, before any directory is configured. */
    BOOTSTRAP,
    /**
     * The credentials may only read (pull), whatever the account may do: a personal access token with
     * the {@code read} scope. Access controllers grant such a principal nothing beyond pull.
     */
    READ_ONLY
  }

  /**
   * @throws IllegalArgumentException if the subject is empty for an identified principal, non-empty
   *     for an anonymous one, longer than {@value #MAX_SUBJECT_LENGTH} or contains control characters
   */
  /** A principal that signed in with a password or secret, not with a revocable token. */
  public Principal(String subject, Kind kind, Set<Flag> flags) {
    this(subject, kind, flags, null);
  }

  public Principal {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(flags, "flags");
    if (kind == Kind.ANONYMOUS != subject.isEmpty()) {
      throw new IllegalArgumentException(
          kind == Kind.ANONYMOUS
              ? "an anonymous principal has an empty subject"
              : "a " + kind + " principal needs a subject");
    }
    if (subject.length() > MAX_SUBJECT_LENGTH) {
      throw new IllegalArgumentException("subject longer than " + MAX_SUBJECT_LENGTH + " characters");
    }
    if (subject.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("subject contains control characters");
    }
    EnumSet<Flag> copy = EnumSet.noneOf(Flag.class);
    copy.addAll(flags);
    flags = Collections.unmodifiableSet(copy);
  }

  /** The principal of a client that presented no credentials. */
  public static Principal anonymous() {
    return ANONYMOUS;
  }

  /** The prefix of a personal access token's {@link #credential}. */
  public static final String PERSONAL_ACCESS_TOKEN = "pat:";

  /** Whether this principal signed in with a personal access token rather than its password. */
  public boolean viaPersonalAccessToken() {
    return credential != null && credential.startsWith(PERSONAL_ACCESS_TOKEN);
  }

  /** Whether this principal carries {@code flag}. */
  public boolean has(Flag flag) {
    return flags.contains(flag);
  }
}
