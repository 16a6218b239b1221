package io.portcullis.mirror.cache;

import io.portcullis.metadata.TestDatabase;

class PostgresCacheServiceTest extends CacheServiceContract {
  @Override
  protected TestDatabase open() throws Exception {
    return TestDatabase.postgres();
  }
}
