package io.portcullis.policy.gate.jdbc;

import io.portcullis.metadata.Tx;
import io.portcullis.policy.gate.AllowlistEntry;
import io.portcullis.shared.Scope;
import io.portcullis.policy.gate.GateStore;
import io.portcullis.policy.gate.PullGate;
import io.portcullis.scan.severity.SeverityBucket;
import io.portcullis.shared.RepositoryName;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jdbi.v3.core.statement.Query;

/** {@link GateStore} in the metadata database (tables of V15__pull_gates.sql; reads {@code manifest_references}). */
public final class JdbcGateStore implements GateStore {
  private static final String ENTRY = "id, scope, scope_name, vulnerability_id, package_name, expires_at, justification, "
      + "created_by, created_at";

  @Override
  public List<PullGate> gates(Tx tx, Collection<Scope> scopes) {
    if (scopes.isEmpty()) {
      return List.of();
    }
    Query query = tx.handle().createQuery("SELECT scope, scope_name, min_severity, refuse_unscanned, updated_by, "
        + "updated_at FROM pull_gates WHERE " + anyScope(scopes.size()));
    bindScopes(query, scopes);
    return query.map((rs, ctx) -> new PullGate(scope(rs), rs.getString(3) == null ? null
        : SeverityBucket.valueOf(rs.getString(3).toUpperCase(Locale.ROOT)), rs.getBoolean(4), rs.getString(5),
        Instant.ofEpochMilli(rs.getLong(6)))).list();
  }

  @Override
  public void putGate(Tx tx, PullGate gate) {
    tx.handle().createUpdate("DELETE FROM pull_gates WHERE scope = ? AND scope_name = ?")
        .bind(0, gate.scope().kind().wireName()).bind(1, gate.scope().name()).execute();
    tx.handle().createUpdate("INSERT INTO pull_gates(scope, scope_name, min_severity, refuse_unscanned, updated_by, "
            + "updated_at) VALUES (?, ?, ?, ?, ?, ?)")
        .bind(0, gate.scope().kind().wireName()).bind(1, gate.scope().name())
        .bind(2, gate.minSeverity() == null ? null : gate.minSeverity().name().toLowerCase(Locale.ROOT))
        .bind(3, gate.refuseUnscanned()).bind(4, gate.updatedBy()).bind(5, gate.updatedAt().toEpochMilli()).execute();
  }

  @Override
  public boolean deleteGate(Tx tx, Scope scope) {
    return tx.handle().createUpdate("DELETE FROM pull_gates WHERE scope = ? AND scope_name = ?")
        .bind(0, scope.kind().wireName()).bind(1, scope.name()).execute() > 0;
  }

  @Override
  public List<AllowlistEntry> entries(Tx tx, Collection<Scope> scopes) {
    if (scopes.isEmpty()) {
      return List.of();
    }
    Query query = tx.handle().createQuery("SELECT " + ENTRY + " FROM cve_allowlist WHERE " + anyScope(scopes.size())
        + " ORDER BY id");
    bindScopes(query, scopes);
    return query.map((rs, ctx) -> entry(rs)).list();
  }

  @Override
  public Optional<AllowlistEntry> entry(Tx tx, long id) {
    return tx.handle().createQuery("SELECT " + ENTRY + " FROM cve_allowlist WHERE id = ?").bind(0, id)
        .map((rs, ctx) -> entry(rs)).findOne();
  }

  @Override
  public int countEntries(Tx tx, Scope scope) {
    return tx.handle().createQuery("SELECT COUNT(*) FROM cve_allowlist WHERE scope = ? AND scope_name = ?")
        .bind(0, scope.kind().wireName()).bind(1, scope.name()).mapTo(Integer.class).one();
  }

  @Override
  public long insertEntry(Tx tx, AllowlistEntry e) {
    return tx.handle().createQuery("INSERT INTO cve_allowlist(scope, scope_name, vulnerability_id, package_name, "
            + "expires_at, justification, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")
        .bind(0, e.scope().kind().wireName()).bind(1, e.scope().name()).bind(2, e.vulnerabilityId())
        .bind(3, e.packageName()).bind(4, e.expiresAt().toEpochMilli()).bind(5, e.justification())
        .bind(6, e.createdBy()).bind(7, e.createdAt().toEpochMilli()).mapTo(Long.class).one();
  }

  @Override
  public boolean deleteEntry(Tx tx, long id) {
    return tx.handle().createUpdate("DELETE FROM cve_allowlist WHERE id = ?").bind(0, id).execute() > 0;
  }

  @Override
  public void deleteRepository(Tx tx, RepositoryName repository) {
    String scope = Scope.Kind.REPOSITORY.wireName();
    tx.handle().createUpdate("DELETE FROM pull_gates WHERE scope = ? AND scope_name = ?").bind(0, scope)
        .bind(1, repository.value()).execute();
    tx.handle().createUpdate("DELETE FROM cve_allowlist WHERE scope = ? AND scope_name = ?").bind(0, scope)
        .bind(1, repository.value()).execute();
  }

  @Override
  public List<String> indexesHolding(Tx tx, RepositoryName repository, String manifest) {
    return tx.handle().createQuery("SELECT digest FROM manifest_references WHERE repository = ? AND child = ? "
            + "AND child_is_manifest ORDER BY digest")
        .bind(0, repository.value()).bind(1, manifest).mapTo(String.class).list();
  }

  private static String anyScope(int count) {
    List<String> terms = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      terms.add("(scope = ? AND scope_name = ?)");
    }
    return "(" + String.join(" OR ", terms) + ")";
  }

  private static void bindScopes(Query query, Collection<Scope> scopes) {
    int i = 0;
    for (Scope scope : scopes) {
      query.bind(i++, scope.kind().wireName());
      query.bind(i++, scope.name());
    }
  }

  private static Scope scope(ResultSet rs) throws SQLException {
    return new Scope(Scope.Kind.fromWireName(rs.getString("scope")), rs.getString("scope_name"));
  }

  private static AllowlistEntry entry(ResultSet rs) throws SQLException {
    return new AllowlistEntry(rs.getLong("id"), scope(rs), rs.getString("vulnerability_id"),
        rs.getString("package_name"), Instant.ofEpochMilli(rs.getLong("expires_at")), rs.getString("justification"),
        rs.getString("created_by"), Instant.ofEpochMilli(rs.getLong("created_at")));
  }
}
