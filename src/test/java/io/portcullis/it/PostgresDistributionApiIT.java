package io.portcullis.it;

class PostgresDistributionApiIT extends DistributionApiContract {
  @Override
  TestRegistry.Backend backend() {
    return TestRegistry.Backend.POSTGRES;
  }
}
