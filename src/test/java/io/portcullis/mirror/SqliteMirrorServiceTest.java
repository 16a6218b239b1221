package io.portcullis.mirror;

import io.portcullis.metadata.TestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteMirrorServiceTest extends MirrorServiceContract {
  @TempDir
  Path dir;

  @Override
  protected TestDatabase open() throws Exception {
    return TestDatabase.sqlite(dir);
  }
}
