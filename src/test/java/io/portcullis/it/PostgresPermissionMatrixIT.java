package io.portcullis.it;

class PostgresPermissionMatrixIT extends PermissionMatrixContract {
  @Override
  TestRegistry.Backend backend() {
    return TestRegistry.Backend.POSTGRES;
  }
}
