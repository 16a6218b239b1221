package io.portcullis.gc;

import io.portcullis.metadata.TestDatabase;

class PostgresGcTest extends GcContract {
  @Override
  protected TestDatabase open() throws Exception {
    return TestDatabase.postgres();
  }
}
