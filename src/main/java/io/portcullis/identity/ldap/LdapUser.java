package io.portcullis.identity.ldap;

import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A user as the directory describes it.
 *
 * @param dn          the entry's distinguished name
 * @param username    the login name as stored in the directory (its spelling may differ in case from
 *                    what the user typed, e.g. {@code sAMAccountName} on Active Directory)
 * @param displayName the display name, or the username when the entry has none
 * @param email       the e-mail address, when the entry has one
 * @param groups      names of the groups the user is a member of, sorted; unmodifiable
 */
public record LdapUser(String dn, String username, String displayName, Optional<String> email, SortedSet<String> groups) {

  public LdapUser {
    Objects.requireNonNull(dn, "dn");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(displayName, "displayName");
    Objects.requireNonNull(email, "email");
    groups = Collections.unmodifiableSortedSet(new TreeSet<>(groups));
  }
}
