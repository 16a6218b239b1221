package io.portcullis.events;

import io.portcullis.metadata.TestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteEventLogTest extends EventLogContract {
  @TempDir
  Path dir;

  @Override
  protected TestDatabase open() throws Exception {
    return TestDatabase.sqlite(dir);
  }
}
