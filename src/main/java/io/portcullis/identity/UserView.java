package io.portcullis.identity;

/**
 * What a caller may know of a user account: the whole {@link User} (system administrators, and everyone
 * about themselves) or only its public {@link UserProfile}, which is enough to name the user in a team,
 * a grant or an organization's admins.
 */
public sealed interface UserView permits User, UserProfile {
  String name();

  String displayName();
}
