package io.portcullis.it;

class SqlitePolicyIT extends PolicyContract {
  @Override
  TestRegistry.Backend backend() {
    return TestRegistry.Backend.SQLITE;
  }
}
