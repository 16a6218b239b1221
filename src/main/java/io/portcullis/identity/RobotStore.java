package io.portcullis.identity;

import io.portcullis.auth.Action;
import io.portcullis.metadata.Tx;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;

/** Robot accounts and their grants on repositories. */
public interface RobotStore {
  /** How many robots the organization has. */
  int count(Tx tx, String organization);

  /**
   * @param expiresAt when the secret stops working; null for never
   * @return false, changing nothing, if a robot of that name exists
   */
  boolean insert(Tx tx, String name, String organization, String description, String secretHash, Instant expiresAt,
      long createdAt);

  Optional<Robot> find(Tx tx, String name);

  boolean exists(Tx tx, String name);

  /** The organization's robots by name. */
  List<Robot> list(Tx tx, String organization);

  /** @return false if there is no such robot */
  boolean setSecret(Tx tx, String name, String secretHash, Instant expiresAt);

  /** @return false if there is no such robot */
  boolean setDisabled(Tx tx, String name, boolean disabled);

  /** Deletes the robot with its grants. @return false if there is no such robot */
  boolean delete(Tx tx, String name);

  /** Removes whatever the robot holds on the repository. */
  void deleteGrant(Tx tx, String robot, String repository);

  /** Removes whatever any robot holds on the repository. */
  void deleteGrantsOn(Tx tx, String repository);

  /** On how many repositories the robot holds grants. */
  int countGrantedRepositories(Tx tx, String robot);

  /** Adds {@code actions} on the repository, which the robot holds nothing on. */
  void insertGrant(Tx tx, String robot, String repository, Set<Action> actions);

  /** What the robot holds, by repository. */
  SortedMap<String, Set<Action>> grants(Tx tx, String robot);

  /** The robot's login data, if it exists. */
  Optional<StoredRobot> stored(Tx tx, String name);

  /** Sets the last use to {@code at} unless one was recorded less than {@code minIntervalMillis} before. */
  void recordUse(Tx tx, String name, long at, long minIntervalMillis);

  /**
   * A robot's login data.
   *
   * @param expiresAt epoch milliseconds, or null for never
   */
  record StoredRobot(String secretHash, boolean disabled, Long expiresAt) {}
}
