package io.portcullis.identity;

/** A team's level on a repository of its organization. */
public record TeamPermission(String organization, String team, String repository, RepositoryLevel level) {}
