package io.portcullis.identity;

import io.portcullis.metadata.TestDatabase;

import java.nio.file.Path;

/** {@link DirectoryCredentialsTest} on PostgreSQL. */
class PostgresDirectoryCredentialsTest extends DirectoryCredentialsTest {
  @Override
  TestDatabase database(Path dir) throws Exception {
    return TestDatabase.postgres();
  }
}
