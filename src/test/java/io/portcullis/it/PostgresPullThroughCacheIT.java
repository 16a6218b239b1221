package io.portcullis.it;

class PostgresPullThroughCacheIT extends PullThroughCacheContract {
  @Override
  TestRegistry.Backend backend() {
    return TestRegistry.Backend.POSTGRES;
  }

  @Override
  int distributionPort() {
    return 5612;
  }
}
