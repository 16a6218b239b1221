package io.portcullis.it;

class SqlitePermissionMatrixIT extends PermissionMatrixContract {
  @Override
  TestRegistry.Backend backend() {
    return TestRegistry.Backend.SQLITE;
  }
}
