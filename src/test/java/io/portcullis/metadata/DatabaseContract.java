package io.portcullis.metadata;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Tests that run on every supported database: a {@code Sqlite…Test} and a {@code Postgres…Test}
 * subclass each say which one. The database opens before the subclass's own set-up and closes after
 * its tear-down (JUnit runs a superclass's {@code @BeforeEach} first and its {@code @AfterEach} last).
 */
public abstract class DatabaseContract {
  protected TestDatabase database;

  protected abstract TestDatabase open() throws Exception;

  @BeforeEach
  final void openDatabase() throws Exception {
    database = open();
  }

  @AfterEach
  final void closeDatabase() throws Exception {
    if (database != null) {
      database.close();
    }
  }
}
