package io.portcullis.identity.jdbc;

import io.portcullis.identity.NamespaceStore;
import io.portcullis.metadata.Tx;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** {@link NamespaceStore} in the {@code namespaces} table, whose primary key makes a name one owner's. */
public final class JdbcNamespaceStore implements NamespaceStore {
  @Override
  public Optional<String> claim(Tx tx, String name, String kind) {
    Handle h = tx.handle();
    int claimed = h.createUpdate("INSERT INTO namespaces(name, kind) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")
        .bind(0, name).bind(1, kind).execute();
    if (claimed == 1) {
      return Optional.empty();
    }
    return Optional.of(h.createQuery("SELECT kind FROM namespaces WHERE name = ?").bind(0, name)
        .mapTo(String.class).findOne().orElse("namespace"));
  }

  @Override
  public void release(Tx tx, String name) {
    tx.handle().createUpdate("DELETE FROM namespaces WHERE name = ?").bind(0, name).execute();
  }
}
