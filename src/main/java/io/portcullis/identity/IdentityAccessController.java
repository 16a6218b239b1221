package io.portcullis.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.portcullis.auth.AccessController;
import io.portcullis.auth.Action;
import io.portcullis.auth.Principal;
import io.portcullis.auth.ResourceScope;
import io.portcullis.auth.ResourceType;
import io.portcullis.metadata.Database;
import io.portcullis.repository.RepositoryService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * The access policy of users, organizations, teams, robots and repository visibility.
 *
 * <p>On a repository:
 * <ul>
 *   <li>system administrators (the bootstrap admin, users with the system-admin flag) hold everything;
 *   <li>a user holds everything in their own namespace ({@code alice/…}), an organization admin
 *       everything in the organization ({@code acme/…}), repositories not yet pushed included;
 *   <li>otherwise a user holds the highest {@link RepositoryLevel} of their teams' permissions and direct
 *       grants on that exact repository name: read → pull; read-write → pull, push, delete; admin → also
 *       {@code *} and management;
 *   <li>a robot holds only its explicit grants, and only inside its own organization;
 *   <li>everyone, anonymous clients included, may pull a public repository;
 *   <li>{@link Principal.Flag#READ_ONLY} credentials are cut down to pull; disabled users, disabled or
 *       expired robots and unknown accounts hold nothing.
 * </ul>
 * {@code registry:catalog:*} is granted to every authenticated, active principal (the caller filters the
 * listing per repository); other registry resources only to system administrators.
 *
 * <p>Each account's standing (flags, organizations it administers, levels) and the set of public
 * repositories (the repository domain's) are loaded with a few indexed queries and cached for a short
 * time; writes through the identity services and repository changes ({@link Identity} listens to the
 * repository domain) drop the cache at once, and the time limit bounds staleness for writes made by
 * other replicas. Thread-safe.
 */
public final class IdentityAccessController implements AccessController {
  /** How long cached standings live when no local write invalidates them. */
  public static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(5);

  private static final Set<Action> EVERYTHING = Action.orderedSet(EnumSet.allOf(Action.class));
  private static final Set<Action> PULL = Set.of(Action.PULL);
  private static final int MAX_CACHED_ACCOUNTS = 10_000;

  private final Database db;
  private final IdentityStores stores;
  private final RepositoryService repositories;
  private final Clock clock;
  /** Bumped by every write; a standing loaded under an older generation is not trusted. */
  private final AtomicLong generation = new AtomicLong();
  private final Cache<String, UserStanding> users;
  private final Cache<String, RobotStanding> robots;
  private final Cache<Boolean, PublicRepositories> publicRepositories;

  /** @param cacheTtl how long standings are reused; zero disables caching */
  public IdentityAccessController(Database db, IdentityStores stores, RepositoryService repositories, Clock clock,
      Duration cacheTtl) {
    this.db = Objects.requireNonNull(db, "db");
    this.stores = Objects.requireNonNull(stores, "stores");
    this.repositories = Objects.requireNonNull(repositories, "repositories");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.users = cache(cacheTtl);
    this.robots = cache(cacheTtl);
    this.publicRepositories = cache(cacheTtl);
  }

  private static <K, V> Cache<K, V> cache(Duration ttl) {
    return Caffeine.newBuilder().maximumSize(MAX_CACHED_ACCOUNTS).expireAfterWrite(ttl).executor(Runnable::run)
        .build();
  }

  @Override
  public Set<Action> grant(Principal principal, ResourceScope requested) {
    Set<Action> held = requested.type() == ResourceType.REPOSITORY
        ? held(principal, requested.name())
        : heldOnRegistry(principal, requested.name());
    return Action.allowed(requested.actions(), held);
  }

  /**
   * Whether the principal may edit the repository's description, switch its visibility and manage user
   * access: admin level, the namespace's owner, its organization's admins, system administrators.
   */
  public boolean canManage(Principal principal, String repository) {
    return held(principal, repository).contains(Action.ALL);
  }

  /** Whether the principal may delete the repository: its namespace's owner or organization admins, system admins. */
  public boolean canDeleteRepository(Principal principal, String repository) {
    String namespace = Names.namespaceOf(repository);
    return namespace == null ? isSystemAdmin(principal) : canManageNamespace(principal, namespace);
  }

  /**
   * Whether the principal may manage what belongs to a whole namespace (its repositories' deletion, its
   * webhooks): the user of that name, the organization's admins, system administrators.
   */
  public boolean canManageNamespace(Principal principal, String namespace) {
    if (principal.has(Principal.Flag.READ_ONLY)) {
      return false;
    }
    return isSystemAdmin(principal) || ownsNamespace(principal, namespace);
  }

  /** Whether the principal may pull, i.e. see, the repository. */
  public boolean canPull(Principal principal, String repository) {
    return held(principal, repository).contains(Action.PULL);
  }

  /** Whether the principal may push to the repository, creating it if it does not exist. */
  public boolean canPush(Principal principal, String repository) {
    return held(principal, repository).contains(Action.PUSH);
  }

  /** Whether the principal is an active system administrator with credentials that may write. */
  public boolean isSystemAdmin(Principal principal) {
    if (principal.has(Principal.Flag.READ_ONLY)) {
      return false;
    }
    if (principal.kind() == Principal.Kind.ADMIN && principal.has(Principal.Flag.BOOTSTRAP)) {
      return true;
    }
    UserStanding user = userStanding(principal);
    return user != null && user.systemAdmin();
  }

  /** Whether the principal administers the organization (system administrators administer all). */
  public boolean isOrganizationAdmin(Principal principal, String organization) {
    if (principal.has(Principal.Flag.READ_ONLY)) {
      return false;
    }
    if (isSystemAdmin(principal)) {
      return true;
    }
    UserStanding user = userStanding(principal);
    return user != null && user.adminOf().contains(organization);
  }

  /** Whether the principal is a user (or admin user) whose account exists and is enabled. */
  boolean isActiveUser(Principal principal) {
    return userStanding(principal) != null;
  }

  /**
   * Drops every cached standing; the identity services call it after each committed write, and
   * {@link Identity} after each committed repository change (visibility, deletion).
   */
  public void invalidate() {
    generation.incrementAndGet();
    users.invalidateAll();
    robots.invalidateAll();
    publicRepositories.invalidateAll();
  }

  private boolean ownsNamespace(Principal principal, String namespace) {
    UserStanding user = userStanding(principal);
    return user != null && (namespace.equals(principal.subject()) || user.adminOf().contains(namespace));
  }

  private Set<Action> heldOnRegistry(Principal principal, String name) {
    if (isSystemAdmin(principal)) {
      return EVERYTHING;
    }
    boolean active = switch (principal.kind()) {
      case ANONYMOUS -> false;
      case ROBOT -> robotStanding(principal) != null;
      case USER, ADMIN -> userStanding(principal) != null;
    };
    return active && name.equals("catalog") ? Set.of(Action.ALL) : Set.of();
  }

  private Set<Action> held(Principal principal, String repository) {
    Set<Action> held = heldIgnoringFlags(principal, repository);
    if (principal.has(Principal.Flag.READ_ONLY) && !held.isEmpty()) {
      return held.contains(Action.PULL) ? PULL : Set.of();
    }
    return held;
  }

  private Set<Action> heldIgnoringFlags(Principal principal, String repository) {
    String namespace = Names.namespaceOf(repository);
    Set<Action> granted = switch (principal.kind()) {
      case ANONYMOUS -> Set.of();
      case ROBOT -> {
        RobotStanding robot = robotStanding(principal);
        yield robot == null || !robot.organization().equals(namespace)
            ? Set.of()
            : robot.grants().getOrDefault(repository, Set.of());
      }
      case USER, ADMIN -> {
        if (principal.has(Principal.Flag.BOOTSTRAP) && principal.kind() == Principal.Kind.ADMIN) {
          yield EVERYTHING;
        }
        UserStanding user = userStanding(principal);
        if (user == null) {
          yield Set.of();
        }
        if (user.systemAdmin() || (namespace != null
            && (namespace.equals(principal.subject()) || user.adminOf().contains(namespace)))) {
          yield EVERYTHING;
        }
        RepositoryLevel level = user.levels().get(repository);
        yield level == null ? Set.of() : level.actions();
      }
    };
    if (granted.contains(Action.PULL) || !isPublic(repository)) {
      return granted;
    }
    if (principal.kind() != Principal.Kind.ANONYMOUS && !isActive(principal)) {
      return granted;
    }
    EnumSet<Action> withPull = EnumSet.of(Action.PULL);
    withPull.addAll(granted);
    return withPull;
  }

  private boolean isActive(Principal principal) {
    return principal.kind() == Principal.Kind.ROBOT
        ? robotStanding(principal) != null
        : principal.has(Principal.Flag.BOOTSTRAP) || userStanding(principal) != null;
  }

  private boolean isPublic(String repository) {
    return cached(publicRepositories, Boolean.TRUE, PublicRepositories::generation,
        this::loadPublicRepositories).names().contains(repository);
  }

  /** The standing of an active (existing, enabled) user, or null. */
  private UserStanding userStanding(Principal principal) {
    if (principal.kind() != Principal.Kind.USER && principal.kind() != Principal.Kind.ADMIN) {
      return null;
    }
    UserStanding user = cached(users, principal.subject(), UserStanding::generation,
        () -> loadUser(principal.subject()));
    return user.active() ? user : null;
  }

  /** The standing of an active (existing, enabled, unexpired) robot, or null. */
  private RobotStanding robotStanding(Principal principal) {
    if (principal.kind() != Principal.Kind.ROBOT) {
      return null;
    }
    RobotStanding robot = cached(robots, principal.subject(), RobotStanding::generation,
        () -> loadRobot(principal.subject()));
    boolean expired = robot.expiresAt() != null && !robot.expiresAt().isAfter(clock.instant());
    return robot.active() && !expired ? robot : null;
  }

  private <K, V> V cached(Cache<K, V> cache, K key, ToLongFunction<V> generationOf,
      Supplier<V> loader) {
    V value = cache.getIfPresent(key);
    if (value != null && generationOf.applyAsLong(value) == generation.get()) {
      return value;
    }
    V fresh = loader.get();
    // Only a standing loaded under the current generation may be shared; one that raced with a write is
    // used for this decision only.
    if (generationOf.applyAsLong(fresh) == generation.get()) {
      cache.put(key, fresh);
    }
    return fresh;
  }

  private UserStanding loadUser(String name) {
    long loadedAt = generation.get();
    return db.readOnly(tx -> {
      Optional<User> user = stores.users().find(tx, name);
      if (user.isEmpty() || user.get().disabled()) {
        return new UserStanding(loadedAt, false, false, Set.of(), Map.of());
      }
      return new UserStanding(loadedAt, true, user.get().systemAdmin(), stores.organizations().administeredBy(tx, name),
          stores.grants().levels(tx, name));
    });
  }

  private RobotStanding loadRobot(String name) {
    long loadedAt = generation.get();
    return db.readOnly(tx -> {
      Optional<Robot> robot = stores.robots().find(tx, name);
      if (robot.isEmpty()) {
        return new RobotStanding(loadedAt, false, "", null, Map.of());
      }
      Map<String, Set<Action>> grants = new HashMap<>();
      stores.robots().grants(tx, name).forEach((repository, actions) ->
          grants.put(repository, Action.orderedSet(actions)));
      return new RobotStanding(loadedAt, !robot.get().disabled(), robot.get().organization(), robot.get().expiresAt(),
          Map.copyOf(grants));
    });
  }

  private PublicRepositories loadPublicRepositories() {
    long loadedAt = generation.get();
    return new PublicRepositories(loadedAt, repositories.publicNames());
  }

  private record UserStanding(long generation, boolean active, boolean systemAdmin, Set<String> adminOf,
      Map<String, RepositoryLevel> levels) {}

  private record RobotStanding(long generation, boolean active, String organization, Instant expiresAt,
      Map<String, Set<Action>> grants) {}

  private record PublicRepositories(long generation, Set<String> names) {}
}
