package io.portcullis.it;

class PostgresRealClientsIT extends RealClientsContract {
  @Override
  TestRegistry.Backend backend() {
    return TestRegistry.Backend.POSTGRES;
  }
}
