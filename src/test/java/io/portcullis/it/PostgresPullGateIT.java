package io.portcullis.it;

class PostgresPullGateIT extends PullGateContract {
  @Override
  TestRegistry.Backend backend() {
    return TestRegistry.Backend.POSTGRES;
  }
}
