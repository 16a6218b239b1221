package io.portcullis.it;

class SqliteGcTortureIT extends GcTortureContract {
  @Override
  TestRegistry.Backend backend() {
    return TestRegistry.Backend.SQLITE;
  }
}
