package io.portcullis.identity.jdbc;

import io.portcullis.auth.Action;
import io.portcullis.identity.Robot;
import io.portcullis.identity.RobotStore;
import io.portcullis.metadata.Tx;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** {@link RobotStore} in the {@code robots} and {@code robot_repository_grants} tables. */
public final class JdbcRobotStore implements RobotStore {
  private static final String COLUMNS =
      "name, organization, description, expires_at, disabled, created_at, last_used_at";
  private static final RowMapper<Robot> MAPPER = (rs, ctx) -> new Robot(rs.getString("name"),
      rs.getString("organization"), rs.getString("description"), Rows.instant(rs, "expires_at"),
      rs.getBoolean("disabled"), Rows.instant(rs, "created_at"), Rows.instant(rs, "last_used_at"));

  @Override
  public int count(Tx tx, String organization) {
    return tx.handle().createQuery("SELECT COUNT(*) FROM robots WHERE organization = ?").bind(0, organization)
        .mapTo(Integer.class).one();
  }

  @Override
  public boolean insert(Tx tx, String name, String organization, String description, String secretHash,
      Instant expiresAt, long createdAt) {
    return tx.handle().createUpdate("INSERT INTO robots(name, organization, description, secret_hash, expires_at,"
            + " created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING")
        .bind(0, name).bind(1, organization).bind(2, description).bind(3, secretHash)
        .bind(4, Rows.millis(expiresAt)).bind(5, createdAt).execute() == 1;
  }

  @Override
  public Optional<Robot> find(Tx tx, String name) {
    return tx.handle().createQuery("SELECT " + COLUMNS + " FROM robots WHERE name = ?").bind(0, name).map(MAPPER)
        .findOne();
  }

  @Override
  public boolean exists(Tx tx, String name) {
    return Rows.exists(tx.handle(), "SELECT 1 FROM robots WHERE name = ?", name);
  }

  @Override
  public List<Robot> list(Tx tx, String organization) {
    return tx.handle().createQuery("SELECT " + COLUMNS + " FROM robots WHERE organization = ? ORDER BY name")
        .bind(0, organization).map(MAPPER).list();
  }

  @Override
  public boolean setSecret(Tx tx, String name, String secretHash, Instant expiresAt) {
    return tx.handle().createUpdate("UPDATE robots SET secret_hash = ?, expires_at = ? WHERE name = ?")
        .bind(0, secretHash).bind(1, Rows.millis(expiresAt)).bind(2, name).execute() > 0;
  }

  @Override
  public boolean setDisabled(Tx tx, String name, boolean disabled) {
    return tx.handle().createUpdate("UPDATE robots SET disabled = ? WHERE name = ?").bind(0, disabled).bind(1, name)
        .execute() > 0;
  }

  @Override
  public boolean delete(Tx tx, String name) {
    // Grants cascade.
    return tx.handle().createUpdate("DELETE FROM robots WHERE name = ?").bind(0, name).execute() > 0;
  }

  @Override
  public void deleteGrant(Tx tx, String robot, String repository) {
    tx.handle().createUpdate("DELETE FROM robot_repository_grants WHERE robot = ? AND repository = ?")
        .bind(0, robot).bind(1, repository).execute();
  }

  @Override
  public void deleteGrantsOn(Tx tx, String repository) {
    tx.handle().createUpdate("DELETE FROM robot_repository_grants WHERE repository = ?").bind(0, repository).execute();
  }

  @Override
  public int countGrantedRepositories(Tx tx, String robot) {
    return tx.handle().createQuery("SELECT COUNT(DISTINCT repository) FROM robot_repository_grants WHERE robot = ?")
        .bind(0, robot).mapTo(Integer.class).one();
  }

  @Override
  public void insertGrant(Tx tx, String robot, String repository, Set<Action> actions) {
    Handle h = tx.handle();
    for (Action action : actions) {
      h.createUpdate("INSERT INTO robot_repository_grants(robot, repository, action) VALUES (?, ?, ?)")
          .bind(0, robot).bind(1, repository).bind(2, action.wireName()).execute();
    }
  }

  @Override
  public SortedMap<String, Set<Action>> grants(Tx tx, String robot) {
    SortedMap<String, Set<Action>> byRepository = new TreeMap<>();
    tx.handle().createQuery("SELECT repository, action FROM robot_repository_grants WHERE robot = ?")
        .bind(0, robot)
        .map((rs, ctx) -> Map.entry(rs.getString(1), Action.fromWireName(rs.getString(2))))
        .forEach(e -> byRepository.computeIfAbsent(e.getKey(), r -> EnumSet.noneOf(Action.class)).add(e.getValue()));
    return byRepository;
  }

  @Override
  public Optional<StoredRobot> stored(Tx tx, String name) {
    return tx.handle().createQuery("SELECT secret_hash, disabled, expires_at FROM robots WHERE name = ?")
        .bind(0, name)
        .map((rs, ctx) -> new StoredRobot(rs.getString(1), rs.getBoolean(2), Rows.nullableLong(rs, "expires_at")))
        .findOne();
  }

  @Override
  public void recordUse(Tx tx, String name, long at, long minIntervalMillis) {
    tx.handle().createUpdate(
            "UPDATE robots SET last_used_at = ? WHERE name = ? AND (last_used_at IS NULL OR last_used_at < ?)")
        .bind(0, at).bind(1, name).bind(2, at - minIntervalMillis).execute();
  }
}
