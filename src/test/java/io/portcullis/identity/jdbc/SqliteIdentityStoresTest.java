package io.portcullis.identity.jdbc;

import io.portcullis.metadata.TestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteIdentityStoresTest extends IdentityStoresContract {
  @TempDir
  Path dir;

  @Override
  protected TestDatabase open() throws Exception {
    return TestDatabase.sqlite(dir);
  }
}
