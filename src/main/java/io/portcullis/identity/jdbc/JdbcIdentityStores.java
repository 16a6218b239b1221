package io.portcullis.identity.jdbc;

import io.portcullis.identity.IdentityStores;

/** The identity domain's storage in the metadata database. */
public final class JdbcIdentityStores {
  private JdbcIdentityStores() {}

  public static IdentityStores create() {
    return new IdentityStores(new JdbcNamespaceStore(), new JdbcUserStore(), new JdbcOrganizationStore(),
        new JdbcTeamStore(), new JdbcRobotStore(), new JdbcTokenStore(), new JdbcAccessGrantStore());
  }
}
