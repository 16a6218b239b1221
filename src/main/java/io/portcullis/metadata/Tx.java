package io.portcullis.metadata;

import org.jdbi.v3.core.Handle;

/**
 * A transaction in progress, handed from domain code to its storage. Domain code only passes it on, so
 * that changes in several domains (and the events reporting them) commit together; only the JDBC
 * storage classes ({@code ..jdbc} packages) open it up, which the architecture test enforces.
 */
public final class Tx {
  private final Handle handle;
  private final Database.Dialect dialect;

  Tx(Handle handle, Database.Dialect dialect) {
    this.handle = handle;
    this.dialect = dialect;
  }

  /** For JDBC storage only. */
  public Handle handle() {
    return handle;
  }

  public Database.Dialect dialect() {
    return dialect;
  }

  /**
   * Runs {@code action} once this transaction has committed, never when it rolls back: for effects
   * outside the database (waking a relay, counting) that must not run for a change that did not happen.
   */
  public void afterCommit(Runnable action) {
    handle.afterCommit(action);
  }
}
