package io.portcullis.identity;

import io.portcullis.auth.Action;
import io.portcullis.auth.Principal;
import io.portcullis.events.EventType;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.mapper.RowMapper;

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
  private static final String COLUMNS = "name, organization, description, expires_at, disabled, created_at, last_used_at";
  private static final RowMapper<Robot> MAPPER = (rs, ctx) -> new Robot(rs.getString("name"),
      rs.getString("organization"), rs.getString("description"), Rows.instant(rs, "expires_at"),
      rs.getBoolean("disabled"), Rows.instant(rs, "created_at"), Rows.instant(rs, "last_used_at"));

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
    context.write(h -> {
      Context.requireOrganization(h, organization);
      int robots = h.createQuery("SELECT COUNT(*) FROM robots WHERE organization = ?").bind(0, organization)
          .mapTo(Integer.class).one();
      if (robots >= MAX_ROBOTS_PER_ORGANIZATION) {
        throw new InvalidValueException("organizations are limited to " + MAX_ROBOTS_PER_ORGANIZATION + " robots");
      }
      int created = h.createUpdate("INSERT INTO robots(name, organization, description, secret_hash, expires_at, created_at)"
              + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING")
          .bind(0, robot).bind(1, organization).bind(2, text).bind(3, Secrets.hash(secret))
          .bind(4, Rows.millis(expiresAt)).bind(5, now).execute();
      if (created == 0) {
        throw new AlreadyExistsException("robot", robot);
      }
      context.record(h, actor, EventType.ROBOT_CREATED, "robot " + robot, null,
          expiresAt == null ? Map.of() : Map.of("expiresAt", expiresAt.toString()));
      return created;
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
    return context.read(h -> {
      Context.requireOrganization(h, organization);
      return h.createQuery("SELECT " + COLUMNS + " FROM robots WHERE organization = ? ORDER BY name")
          .bind(0, organization).map(MAPPER).list();
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
    context.write(h -> {
      requireUpdated(robot, h.createUpdate("UPDATE robots SET secret_hash = ?, expires_at = ? WHERE name = ?")
          .bind(0, Secrets.hash(secret)).bind(1, Rows.millis(expiresAt)).bind(2, robot).execute());
      context.record(h, actor, EventType.ROBOT_SECRET_ROTATED, "robot " + robot);
      return null;
    });
    return new Issued<>(find(robot).orElseThrow(), secret);
  }

  /** Disables or re-enables the robot; a disabled robot cannot log in and is granted nothing. */
  public Robot setDisabled(Principal actor, String robot, boolean disabled) {
    context.requireOrganizationAdmin(actor, organizationOf(robot));
    context.write(h -> {
      requireUpdated(robot, h.createUpdate("UPDATE robots SET disabled = ? WHERE name = ?")
          .bind(0, disabled).bind(1, robot).execute());
      context.record(h, actor, disabled ? EventType.ROBOT_DISABLED : EventType.ROBOT_ENABLED, "robot " + robot);
      return null;
    });
    return find(robot).orElseThrow();
  }

  /** Deletes the robot and its grants. */
  public void delete(Principal actor, String robot) {
    context.requireOrganizationAdmin(actor, organizationOf(robot));
    context.write(h -> {
      requireUpdated(robot, h.createUpdate("DELETE FROM robots WHERE name = ?").bind(0, robot).execute());
      context.record(h, actor, EventType.ROBOT_DELETED, "robot " + robot);
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
    context.write(h -> {
      if (!Context.exists(h, "SELECT 1 FROM robots WHERE name = ?", robot)) {
        throw new NotFoundException("robot", robot);
      }
      h.createUpdate("DELETE FROM robot_repository_grants WHERE robot = ? AND repository = ?")
          .bind(0, robot).bind(1, repository).execute();
      int repositories = h.createQuery("SELECT COUNT(DISTINCT repository) FROM robot_repository_grants WHERE robot = ?")
          .bind(0, robot).mapTo(Integer.class).one();
      if (!actions.isEmpty() && repositories >= MAX_GRANTS_PER_ROBOT) {
        throw new InvalidValueException("robots are limited to grants on " + MAX_GRANTS_PER_ROBOT + " repositories");
      }
      for (Action action : actions) {
        h.createUpdate("INSERT INTO robot_repository_grants(robot, repository, action) VALUES (?, ?, ?)")
            .bind(0, robot).bind(1, repository).bind(2, action.wireName()).execute();
      }
      context.record(h, actor, EventType.ROBOT_GRANT_CHANGED, "robot " + robot, repository, Map.of("actions",
          actions.stream().map(Action::wireName).sorted().collect(java.util.stream.Collectors.joining(","))));
      return null;
    });
    return new RobotGrant(robot, repository, actions);
  }

  /** The robot's grants by repository. */
  public List<RobotGrant> grants(Principal actor, String robot) {
    context.requireOrganizationAdmin(actor, organizationOf(robot));
    return context.read(h -> {
      if (!Context.exists(h, "SELECT 1 FROM robots WHERE name = ?", robot)) {
        throw new NotFoundException("robot", robot);
      }
      Map<String, Set<Action>> byRepository = new LinkedHashMap<>();
      h.createQuery("SELECT repository, action FROM robot_repository_grants WHERE robot = ? ORDER BY repository")
          .bind(0, robot)
          .map((rs, ctx) -> Map.entry(rs.getString(1), Action.fromWireName(rs.getString(2))))
          .forEach(e -> byRepository.computeIfAbsent(e.getKey(), r -> EnumSet.noneOf(Action.class)).add(e.getValue()));
      return byRepository.entrySet().stream().map(e -> new RobotGrant(robot, e.getKey(), e.getValue())).toList();
    });
  }

  /** The stored secret hash of the robot, if it exists (for the login path). */
  Optional<StoredRobot> stored(String robot) {
    return context.read(h -> h.createQuery("SELECT secret_hash, disabled, expires_at FROM robots WHERE name = ?")
        .bind(0, robot)
        .map((rs, ctx) -> new StoredRobot(rs.getString(1), rs.getBoolean(2), Rows.nullableLong(rs, "expires_at")))
        .findOne());
  }

  void recordUse(String robot) {
    long now = context.now();
    context.db.write(h -> h.createUpdate(
            "UPDATE robots SET last_used_at = ? WHERE name = ? AND (last_used_at IS NULL OR last_used_at < ?)")
        .bind(0, now).bind(1, robot).bind(2, now - UserService.LOGIN_RECORD_INTERVAL_MILLIS).execute());
  }

  private Optional<Robot> find(String robot) {
    return context.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM robots WHERE name = ?")
        .bind(0, robot).map(MAPPER).findOne());
  }

  /** A robot's login data. */
  record StoredRobot(String secretHash, boolean disabled, Long expiresAt) {}

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

  private static int requireUpdated(String robot, int updated) {
    if (updated == 0) {
      throw new NotFoundException("robot", robot);
    }
    return updated;
  }
}
