package io.portcullis.webhooks.jdbc;

import io.portcullis.metadata.TestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteWebhookStoreTest extends WebhookStoreContract {
  @TempDir
  Path dir;

  @Override
  TestDatabase open() throws Exception {
    return TestDatabase.sqlite(dir);
  }
}
