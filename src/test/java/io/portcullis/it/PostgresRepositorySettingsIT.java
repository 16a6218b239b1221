package io.portcullis.it;

class PostgresRepositorySettingsIT extends RepositorySettingsContract {
  @Override
  TestRegistry.Backend backend() {
    return TestRegistry.Backend.POSTGRES;
  }
}
