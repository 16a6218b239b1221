package io.portcullis.it;

class PostgresScanningIT extends ScanningContract {
  @Override
  TestRegistry.Backend backend() {
    return TestRegistry.Backend.POSTGRES;
  }
}
