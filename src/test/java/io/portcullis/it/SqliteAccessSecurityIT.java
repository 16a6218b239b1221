package io.portcullis.it;

class SqliteAccessSecurityIT extends AccessSecurityContract {
  @Override
  TestRegistry.Backend backend() {
    return TestRegistry.Backend.SQLITE;
  }
}
