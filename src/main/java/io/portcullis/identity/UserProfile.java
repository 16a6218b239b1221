package io.portcullis.identity;

/** The public part of a user account: no flags, e-mail address, directory link or login times. */
public record UserProfile(String name, String displayName) implements UserView {}
