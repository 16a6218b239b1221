package io.portcullis.webhooks.jdbc;

import io.portcullis.metadata.TestDatabase;

class PostgresWebhookStoreTest extends WebhookStoreContract {
  @Override
  TestDatabase open() throws Exception {
    return TestDatabase.postgres();
  }
}
