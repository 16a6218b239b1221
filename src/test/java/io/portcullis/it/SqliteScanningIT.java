package io.portcullis.it;

class SqliteScanningIT extends ScanningContract {
  @Override
  TestRegistry.Backend backend() {
    return TestRegistry.Backend.SQLITE;
  }
}
