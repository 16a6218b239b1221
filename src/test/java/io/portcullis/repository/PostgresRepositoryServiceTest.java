package io.portcullis.repository;

import io.portcullis.metadata.TestDatabase;

class PostgresRepositoryServiceTest extends RepositoryServiceContract {
  @Override
  protected TestDatabase open() throws Exception {
    return TestDatabase.postgres();
  }
}
