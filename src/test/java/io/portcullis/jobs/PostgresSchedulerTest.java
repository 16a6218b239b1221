package io.portcullis.jobs;

import io.portcullis.metadata.TestDatabase;

class PostgresSchedulerTest extends SchedulerContract {
  @Override
  protected TestDatabase open() throws Exception {
    return TestDatabase.postgres();
  }
}
