package io.portcullis.it;

class SqlitePullThroughCacheIT extends PullThroughCacheContract {
  @Override
  TestRegistry.Backend backend() {
    return TestRegistry.Backend.SQLITE;
  }

  @Override
  int distributionPort() {
    return 5611;
  }
}
