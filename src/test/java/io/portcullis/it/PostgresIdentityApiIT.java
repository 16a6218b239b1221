package io.portcullis.it;

class PostgresIdentityApiIT extends IdentityApiContract {
  @Override
  TestRegistry.Backend backend() {
    return TestRegistry.Backend.POSTGRES;
  }
}
