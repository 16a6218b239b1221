package io.portcullis.identity;

import io.portcullis.auth.Action;
import io.portcullis.auth.Principal;
import io.portcullis.events.EventType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Robot accounts of an organization, for CI. A robot logs in as {@code org+robot} with a generated
 * secret that is returned once by {@link #create} and {@link #rotate} and stored only as a hash. It holds
 * nothing but its grants (pull, push, delete on repositories of its own organization) and may pull public
 * repositories. Organization admins manage robots. Thread-safe.
 */
public final class RobotService {
  /** Most robots one organization may have. */
  public static final int MAX_ROBOTS_PER_ORGANIZATION = 1000;
  /** Most repositories one robot may hold grants on. */
  public static final int MAX_GRANTS_PER_ROBOT = 1000;

  private static final Set<Action> GRANTABLE = Set.of(Action.PULL, Action.PUSH, Action.DELETE);

  private final Context context;

  RobotService(Context context) {
    this.context = context;
  }

  /**
   * Creates a robot named {@code organization+name}.
   *
   * @param expiresAt when its secret stops working; null for never
   * @throws ForbiddenException     unless the actor administers the organization
   * @throws InvalidValueException  if {@code expiresAt} is not in the future, or the organization has too many robots
   * @throws AlreadyExistsException if the organization has a robot of that name
   */
  public Issued<Robot> create(Principal actor, String organization, String name, String description, Instant expiresAt) {
    context.requireOrganizationAdmin(actor, organization);
    Names.requireName("robot", name);
    String text = Names.text("description", description, Names.MAX_DESCRIPTION_LENGTH, true);
    requireFuture(expiresAt);
    String robot = Names.robotName(organization, name);
    String secret = Secrets.ROBOT_PREFIX + Secrets.newSecret();
    long now = context.now();
    context.write(tx -> {
      context.requireOrganization(tx, organization);
      if (context.robots.count(tx, organization) >= MAX_ROBOTS_PER_ORGANIZATION) {
        throw new InvalidValueException("organizations are limited to " + MAX_ROBOTS_PER_ORGANIZATION + " robots");
      }
      if (!context.robots.insert(tx, robot, organization, text, Secrets.hash(secret), expiresAt, now)) {
        throw new AlreadyExistsException("robot", robot);
      }
      context.record(tx, actor, EventType.ROBOT_CREATED, "robot " + robot, null,
          expiresAt == null ? Map.of() : Map.of("expiresAt", expiresAt.toString()));
      return null;
    });
    return new Issued<>(find(robot).orElseThrow(), secret);
  }

  /** @throws NotFoundException if there is no such robot */
  public Robot get(Principal actor, String robot) {
    context.requireOrganizationAdmin(actor, organizationOf(robot));
    return find(robot).orElseThrow(() -> new NotFoundException("robot", robot));
  }

  /** The organization's robots by name. */
  public List<Robot> list(Principal actor, String organization) {
    context.requireOrganizationAdmin(actor, organization);
    return context.read(tx -> {
      context.requireOrganization(tx, organization);
      return context.robots.list(tx, organization);
    });
  }

  /**
   * Replaces the robot's secret (the old one stops working at once) and optionally its expiry.
   *
   * @param expiresAt the new expiry, or null for never
   */
  public Issued<Robot> rotate(Principal actor, String robot, Instant expiresAt) {
    context.requireOrganizationAdmin(actor, organizationOf(robot));
    requireFuture(expiresAt);
    String secret = Secrets.ROBOT_PREFIX + Secrets.newSecret();
    context.write(tx -> {
      requireFound(robot, context.robots.setSecret(tx, robot, Secrets.hash(secret), expiresAt));
      context.record(tx, actor, EventType.ROBOT_SECRET_ROTATED, "robot " + robot);
      return null;
    });
    return new Issued<>(find(robot).orElseThrow(), secret);
  }

  /** Disables or re-enables the robot; a disabled robot cannot log in and is granted nothing. */
  public Robot setDisabled(Principal actor, String robot, boolean disabled) {
    context.requireOrganizationAdmin(actor, organizationOf(robot));
    context.write(tx -> {
      requireFound(robot, context.robots.setDisabled(tx, robot, disabled));
      context.record(tx, actor, disabled ? EventType.ROBOT_DISABLED : EventType.ROBOT_ENABLED, "robot " + robot);
      return null;
    });
    return find(robot).orElseThrow();
  }

  /** Deletes the robot and its grants. */
  public void delete(Principal actor, String robot) {
    context.requireOrganizationAdmin(actor, organizationOf(robot));
    context.write(tx -> {
      requireFound(robot, context.robots.delete(tx, robot));
      context.record(tx, actor, EventType.ROBOT_DELETED, "robot " + robot);
      return null;
    });
  }

  /**
   * Sets what the robot may do on one repository of its organization, replacing earlier grants there;
   * no actions removes the grant.
   *
   * @param actions some of pull, push, delete
   * @throws InvalidNameException  if the repository is outside the robot's organization
   * @throws InvalidValueException for {@code *}, or when the robot holds too many grants
   */
  public RobotGrant setGrant(Principal actor, String robot, String repository, Set<Action> actions) {
    String organization = organizationOf(robot);
    context.requireOrganizationAdmin(actor, organization);
    Names.requireRepository(repository, organization);
    if (!GRANTABLE.containsAll(actions)) {
      throw new InvalidValueException("robots may be granted pull, push and delete only");
    }
    context.write(tx -> {
      requireFound(robot, context.robots.exists(tx, robot));
      context.robots.deleteGrant(tx, robot, repository);
      if (!actions.isEmpty() && context.robots.countGrantedRepositories(tx, robot) >= MAX_GRANTS_PER_ROBOT) {
        throw new InvalidValueException("robots are limited to grants on " + MAX_GRANTS_PER_ROBOT + " repositories");
      }
      context.robots.insertGrant(tx, robot, repository, actions);
      context.record(tx, actor, EventType.ROBOT_GRANT_CHANGED, "robot " + robot, repository, Map.of("actions",
          actions.stream().map(Action::wireName).sorted().collect(Collectors.joining(","))));
      return null;
    });
    return new RobotGrant(robot, repository, actions);
  }

  /** The robot's grants by repository. */
  public List<RobotGrant> grants(Principal actor, String robot) {
    context.requireOrganizationAdmin(actor, organizationOf(robot));
    return context.read(tx -> {
      requireFound(robot, context.robots.exists(tx, robot));
      return context.robots.grants(tx, robot).entrySet().stream()
          .map(e -> new RobotGrant(robot, e.getKey(), e.getValue())).toList();
    });
  }

  /** The stored secret hash of the robot, if it exists (for the login path). */
  Optional<RobotStore.StoredRobot> stored(String robot) {
    return context.read(tx -> context.robots.stored(tx, robot));
  }

  void recordUse(String robot) {
    long now = context.now();
    context.db.inTransaction(tx -> {
      context.robots.recordUse(tx, robot, now, UserService.LOGIN_RECORD_INTERVAL_MILLIS);
      return null;
    });
  }

  private Optional<Robot> find(String robot) {
    return context.read(tx -> context.robots.find(tx, robot));
  }

  /**
   * The organization part of {@code org+robot}.
   *
   * @throws InvalidNameException if {@code robot} is not such a name
   */
  static String organizationOf(String robot) {
    int separator = robot == null ? -1 : robot.indexOf(Names.ROBOT_SEPARATOR);
    if (separator < 0) {
      throw new InvalidNameException("robot names have the form <organization>+<robot>");
    }
    Names.requireName("robot", robot.substring(separator + 1));
    return Names.requireName("organization", robot.substring(0, separator));
  }

  private void requireFuture(Instant expiresAt) {
    if (expiresAt != null && !expiresAt.isAfter(context.clock.instant())) {
      throw new InvalidValueException("expiry " + expiresAt + " is not in the future");
    }
  }

  private static void requireFound(String robot, boolean found) {
    if (!found) {
      throw new NotFoundException("robot", robot);
    }
  }
}
