package io.portcullis.it;

class SqliteGarbageCollectionIT extends GarbageCollectionContract {
  @Override
  TestRegistry.Backend backend() {
    return TestRegistry.Backend.SQLITE;
  }
}
