package io.portcullis.it;

class PostgresAccessSecurityIT extends AccessSecurityContract {
  @Override
  TestRegistry.Backend backend() {
    return TestRegistry.Backend.POSTGRES;
  }
}
