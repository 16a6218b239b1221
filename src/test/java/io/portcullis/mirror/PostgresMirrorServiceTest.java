package io.portcullis.mirror;

import io.portcullis.metadata.TestDatabase;

class PostgresMirrorServiceTest extends MirrorServiceContract {
  @Override
  protected TestDatabase open() throws Exception {
    return TestDatabase.postgres();
  }
}
