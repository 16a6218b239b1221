package io.portcullis.webhooks;

import io.portcullis.metadata.TestDatabase;

class PostgresWebhooksTest extends WebhooksContract {
  @Override
  TestDatabase open() throws Exception {
    return TestDatabase.postgres();
  }
}
