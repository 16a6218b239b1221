package io.portcullis.it;

class SqliteRepositorySettingsIT extends RepositorySettingsContract {
  @Override
  TestRegistry.Backend backend() {
    return TestRegistry.Backend.SQLITE;
  }
}
