package io.portcullis.repository.jdbc;

import io.portcullis.metadata.Tx;
import io.portcullis.repository.ImmutabilityRule;
import io.portcullis.repository.Repository;
import io.portcullis.repository.RepositoryStore;
import io.portcullis.repository.Visibility;
import io.portcullis.shared.RepositoryName;
import io.portcullis.shared.RepositoryScope;
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

  private static final String RULE_COLUMNS = "id, scope, pattern, created_at, created_by";
  private static final RowMapper<ImmutabilityRule> RULE = (rs, ctx) -> new ImmutabilityRule(rs.getLong(1),
      new RepositoryScope(rs.getString(2)), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)), rs.getString(5));

  @Override
  public boolean insertRule(Tx tx, ImmutabilityRule rule) {
    return tx.handle().createUpdate("INSERT INTO immutability_rules(scope, pattern, created_at, created_by)"
            + " VALUES (?, ?, ?, ?) ON CONFLICT (scope, pattern) DO NOTHING")
        .bind(0, rule.scope().value()).bind(1, rule.pattern()).bind(2, rule.createdAt().toEpochMilli())
        .bind(3, rule.createdBy()).execute() == 1;
  }

  @Override
  public Optional<ImmutabilityRule> findRule(Tx tx, long id) {
    return tx.handle().createQuery("SELECT " + RULE_COLUMNS + " FROM immutability_rules WHERE id = ?").bind(0, id)
        .map(RULE).findOne();
  }

  @Override
  public boolean deleteRule(Tx tx, long id) {
    return tx.handle().createUpdate("DELETE FROM immutability_rules WHERE id = ?").bind(0, id).execute() == 1;
  }

  @Override
  public List<ImmutabilityRule> rules(Tx tx) {
    return tx.handle().createQuery("SELECT " + RULE_COLUMNS + " FROM immutability_rules ORDER BY id").map(RULE)
        .list();
  }

  @Override
  public List<ImmutabilityRule> rulesOf(Tx tx, List<String> scopes) {
    return tx.handle().createQuery("SELECT " + RULE_COLUMNS + " FROM immutability_rules WHERE scope IN (<scopes>)"
            + " ORDER BY id")
        .bindList("scopes", scopes).map(RULE).list();
  }
}
