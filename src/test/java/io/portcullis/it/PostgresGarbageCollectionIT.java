package io.portcullis.it;

class PostgresGarbageCollectionIT extends GarbageCollectionContract {
  @Override
  TestRegistry.Backend backend() {
    return TestRegistry.Backend.POSTGRES;
  }
}
