package io.portcullis.identity;

import io.portcullis.metadata.TestDatabase;

import java.nio.file.Path;

/** {@link IdentityServicesTest} on PostgreSQL. */
class PostgresIdentityServicesTest extends IdentityServicesTest {
  @Override
  TestDatabase database(Path dir) throws Exception {
    return TestDatabase.postgres();
  }
}
