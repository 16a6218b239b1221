package io.portcullis.identity;

/** A level on a repository granted to one user directly ("manage user access"). */
public record UserGrant(String username, String repository, RepositoryLevel level) {}
