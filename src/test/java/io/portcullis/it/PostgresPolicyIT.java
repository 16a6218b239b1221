package io.portcullis.it;

class PostgresPolicyIT extends PolicyContract {
  @Override
  TestRegistry.Backend backend() {
    return TestRegistry.Backend.POSTGRES;
  }
}
