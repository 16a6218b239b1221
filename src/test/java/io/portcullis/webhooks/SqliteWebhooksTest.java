package io.portcullis.webhooks;

import io.portcullis.metadata.TestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteWebhooksTest extends WebhooksContract {
  @TempDir
  Path dir;

  @Override
  TestDatabase open() throws Exception {
    return TestDatabase.sqlite(dir);
  }
}
