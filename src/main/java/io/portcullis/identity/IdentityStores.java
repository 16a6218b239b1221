package io.portcullis.identity;

import java.util.Objects;

/** The storage the identity domain keeps its data in, one store per kind of thing. */
public record IdentityStores(NamespaceStore namespaces, UserStore users, OrganizationStore organizations,
    TeamStore teams, RobotStore robots, TokenStore tokens, AccessGrantStore grants) {
  public IdentityStores {
    Objects.requireNonNull(namespaces, "namespaces");
    Objects.requireNonNull(users, "users");
    Objects.requireNonNull(organizations, "organizations");
    Objects.requireNonNull(teams, "teams");
    Objects.requireNonNull(robots, "robots");
    Objects.requireNonNull(tokens, "tokens");
    Objects.requireNonNull(grants, "grants");
  }
}
