package io.portcullis.events;

import io.portcullis.metadata.TestDatabase;

class PostgresEventLogTest extends EventLogContract {
  @Override
  protected TestDatabase open() throws Exception {
    return TestDatabase.postgres();
  }
}
