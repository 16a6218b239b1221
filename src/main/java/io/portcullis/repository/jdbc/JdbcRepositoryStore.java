package io.portcullis.repository.jdbc;

import io.portcullis.metadata.Tx;
import io.portcullis.repository.Repository;
import io.portcullis.repository.RepositoryStore;
import io.portcullis.repository.Visibility;
import io.portcullis.shared.RepositoryName;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.mapper.RowMapper;

/** Repositories in the {@code repositories} table. */
public final class JdbcRepositoryStore implements RepositoryStore {
  private static final String COLUMNS = "name, visibility, description, scan_on_push, immutable_tags, created_at";
  private static final RowMapper<Repository> MAPPER = (rs, ctx) -> new Repository(RepositoryName.of(rs.getString(1)),
      Visibility.fromWireName(rs.getString(2)), rs.getString(3), rs.getBoolean(4), rs.getBoolean(5),
      Instant.ofEpochMilli(rs.getLong(6)));

  @Override
  public boolean insert(Tx tx, Repository r) {
    return tx.handle().createUpdate("INSERT INTO repositories(" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (name) DO NOTHING")
        .bind(0, r.name().value()).bind(1, r.visibility().wireName()).bind(2, r.description())
        .bind(3, r.scanOnPush()).bind(4, r.immutableTags()).bind(5, r.createdAt().toEpochMilli())
        .execute() == 1;
  }

  @Override
  public Optional<Repository> find(Tx tx, RepositoryName name) {
    return select(tx, name, "");
  }

  @Override
  public Optional<Repository> lock(Tx tx, RepositoryName name) {
    return select(tx, name, tx.dialect().forUpdate());
  }

  private static Optional<Repository> select(Tx tx, RepositoryName name, String lock) {
    return tx.handle().createQuery("SELECT " + COLUMNS + " FROM repositories WHERE name = ?" + lock)
        .bind(0, name.value()).map(MAPPER).findOne();
  }

  @Override
  public void updateSettings(Tx tx, Repository r) {
    tx.handle().createUpdate("UPDATE repositories SET visibility = ?, description = ?, scan_on_push = ?,"
            + " immutable_tags = ? WHERE name = ?")
        .bind(0, r.visibility().wireName()).bind(1, r.description()).bind(2, r.scanOnPush())
        .bind(3, r.immutableTags()).bind(4, r.name().value()).execute();
  }

  @Override
  public boolean delete(Tx tx, RepositoryName name) {
    return tx.handle().createUpdate("DELETE FROM repositories WHERE name = ?").bind(0, name.value()).execute() == 1;
  }

  @Override
  public List<Repository> page(Tx tx, String after, int limit) {
    return tx.handle().createQuery("SELECT " + COLUMNS + " FROM repositories WHERE name > ? ORDER BY name LIMIT ?")
        .bind(0, after).bind(1, limit).map(MAPPER).list();
  }

  @Override
  public Set<String> publicNames(Tx tx) {
    // A literal, not a parameter: it is what lets the partial index repositories_public serve the query.
    return Set.copyOf(tx.handle().createQuery("SELECT name FROM repositories WHERE visibility = 'public'")
        .mapTo(String.class).list());
  }

  @Override
  public boolean anyInNamespace(Tx tx, String namespace) {
    // Names are lower-case letters, digits and separators, none of which LIKE treats specially.
    return tx.handle().createQuery("SELECT 1 FROM repositories WHERE name LIKE ? LIMIT 1").bind(0, namespace + "/%")
        .mapTo(Integer.class).findOne().isPresent();
  }
}
