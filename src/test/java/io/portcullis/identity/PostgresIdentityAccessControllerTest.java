package io.portcullis.identity;

import io.portcullis.metadata.TestDatabase;

import java.nio.file.Path;

/** {@link IdentityAccessControllerTest} on PostgreSQL. */
class PostgresIdentityAccessControllerTest extends IdentityAccessControllerTest {
  @Override
  TestDatabase database(Path dir) throws Exception {
    return TestDatabase.postgres();
  }
}
