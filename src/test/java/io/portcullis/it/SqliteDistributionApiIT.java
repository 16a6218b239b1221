package io.portcullis.it;

class SqliteDistributionApiIT extends DistributionApiContract {
  @Override
  TestRegistry.Backend backend() {
    return TestRegistry.Backend.SQLITE;
  }
}
