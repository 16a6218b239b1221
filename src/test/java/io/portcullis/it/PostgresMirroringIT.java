package io.portcullis.it;

class PostgresMirroringIT extends MirroringContract {
  @Override
  TestRegistry.Backend backend() {
    return TestRegistry.Backend.POSTGRES;
  }

  @Override
  int distributionPort() {
    return 5602;
  }
}
