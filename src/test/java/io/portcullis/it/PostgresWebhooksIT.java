package io.portcullis.it;

class PostgresWebhooksIT extends WebhooksApiContract {
  @Override
  TestRegistry.Backend backend() {
    return TestRegistry.Backend.POSTGRES;
  }
}
