package io.portcullis.identity;

import java.time.Instant;

/**
 * A person's account; its name is also a namespace ({@code alice/tool}).
 *
 * @param externalId    the directory's stable id (LDAP entry DN or uid, OIDC {@code sub}), or null
 * @param hasPassword   whether a local password is set (external users log in through their directory)
 * @param lastLoginAt   last successful login, or null; updated at most once a minute
 */
public record User(String name, String displayName, String email, boolean systemAdmin, UserSource source,
    String externalId, boolean disabled, boolean hasPassword, Instant createdAt, Instant lastLoginAt)
    implements UserView {

  /** What other users may see of this account. */
  public UserProfile profile() {
    return new UserProfile(name, displayName);
  }
}
