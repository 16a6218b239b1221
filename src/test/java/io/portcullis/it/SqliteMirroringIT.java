package io.portcullis.it;

class SqliteMirroringIT extends MirroringContract {
  @Override
  TestRegistry.Backend backend() {
    return TestRegistry.Backend.SQLITE;
  }

  @Override
  int distributionPort() {
    return 5601;
  }
}
