package io.portcullis.it;

class SqlitePullGateIT extends PullGateContract {
  @Override
  TestRegistry.Backend backend() {
    return TestRegistry.Backend.SQLITE;
  }
}
