package io.portcullis.mirror.cache;

import io.portcullis.metadata.TestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteCacheServiceTest extends CacheServiceContract {
  @TempDir
  Path dir;

  @Override
  protected TestDatabase open() throws Exception {
    return TestDatabase.sqlite(dir);
  }
}
