package io.portcullis.identity;

import java.util.Objects;
import java.util.Set;

/**
 * A user as an external directory describes them after a successful login.
 *
 * @param username    login name; lower-cased by synchronisation and then required to be a valid user name
 * @param source      {@link UserSource#LDAP} or {@link UserSource#OIDC}
 * @param externalId  the directory's stable id for the user (entry DN, OIDC {@code sub}), or null
 * @param displayName full name, or null
 * @param email       e-mail address, or null
 * @param groups      names of the groups the user belongs to, matched against the group mappings
 */
public record ExternalUser(String username, UserSource source, String externalId, String displayName,
    String email, Set<String> groups) {
  public ExternalUser {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(source, "source");
    if (source == UserSource.LOCAL) {
      throw new IllegalArgumentException("an external user cannot have source local");
    }
    groups = Set.copyOf(groups);
  }
}
