package io.portcullis.quota;

import io.portcullis.metadata.TestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteQuotaServiceTest extends QuotaServiceContract {
  @TempDir
  Path dir;

  @Override
  protected TestDatabase open() throws Exception {
    return TestDatabase.sqlite(dir);
  }
}
