package io.portcullis.quota;

import io.portcullis.metadata.TestDatabase;

class PostgresQuotaServiceTest extends QuotaServiceContract {
  @Override
  protected TestDatabase open() throws Exception {
    return TestDatabase.postgres();
  }
}
