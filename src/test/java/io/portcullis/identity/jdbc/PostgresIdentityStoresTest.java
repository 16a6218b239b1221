package io.portcullis.identity.jdbc;

import io.portcullis.metadata.TestDatabase;

class PostgresIdentityStoresTest extends IdentityStoresContract {
  @Override
  protected TestDatabase open() throws Exception {
    return TestDatabase.postgres();
  }
}
