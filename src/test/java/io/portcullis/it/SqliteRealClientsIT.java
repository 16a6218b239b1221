package io.portcullis.it;

class SqliteRealClientsIT extends RealClientsContract {
  @Override
  TestRegistry.Backend backend() {
    return TestRegistry.Backend.SQLITE;
  }
}
