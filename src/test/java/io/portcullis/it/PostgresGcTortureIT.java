package io.portcullis.it;

class PostgresGcTortureIT extends GcTortureContract {
  @Override
  TestRegistry.Backend backend() {
    return TestRegistry.Backend.POSTGRES;
  }
}
