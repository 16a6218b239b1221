package io.portcullis.it;

class SqliteIdentityApiIT extends IdentityApiContract {
  @Override
  TestRegistry.Backend backend() {
    return TestRegistry.Backend.SQLITE;
  }
}
