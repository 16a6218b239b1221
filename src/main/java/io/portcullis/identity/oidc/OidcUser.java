package io.portcullis.identity.oidc;

import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A user as the provider describes them.
 *
 * @param subject     the provider's stable identifier ({@code sub}); unique per issuer, never reused
 * @param username    the configured username claim (default {@code preferred_username}), or the
 *                    subject when the provider sends none
 * @param displayName {@code name}, or the username
 * @param email       {@code email}, when sent
 * @param groups      the configured groups claim, sorted; unmodifiable, empty when not sent
 */
public record OidcUser(String subject, String username, String displayName, Optional<String> email, SortedSet<String> groups) {

  public OidcUser {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(displayName, "displayName");
    Objects.requireNonNull(email, "email");
    groups = Collections.unmodifiableSortedSet(new TreeSet<>(groups));
  }
}
