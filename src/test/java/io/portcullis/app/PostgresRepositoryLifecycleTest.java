package io.portcullis.app;

import io.portcullis.metadata.TestDatabase;
import java.nio.file.Path;

class PostgresRepositoryLifecycleTest extends RepositoryLifecycleContract {
  @Override
  TestDatabase open(Path dir) throws Exception {
    return TestDatabase.postgres();
  }
}
