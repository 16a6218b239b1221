package io.portcullis.identity;

import io.portcullis.auth.login.BootstrapAdminCredentials;
import io.portcullis.auth.login.PasswordHasher;
import io.portcullis.events.EventLog;
import io.portcullis.metadata.Database;
import io.portcullis.repository.RepositoryService;
import io.portcullis.shared.Caller;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The identity and access-control domain, wired once by the composition root: users, organizations,
 * teams, repository permissions, robots, personal access tokens, the access controller the token
 * service consults, and the credentials the token endpoint checks.
 *
 * <p>Every service method takes the acting {@link io.portcullis.auth.Principal} and enforces who may do
 * what; failures are {@link IdentityException} subclasses. Thread-safe.
 */
public final class Identity {
  private final PasswordHasher hasher;
  private final Clock clock;
  private final IdentityAccessController access;
  private final UserService users;
  private final OrganizationService organizations;
  private final TeamService teams;
  private final RepositoryAccessService repositories;
  private final RobotService robots;
  private final AccessTokenService tokens;

  /**
   * @param stores        where the domain keeps its data, in {@code db}
   * @param reservedNames names no user or organization may take, e.g. the bootstrap administrator's
   * @param cacheTtl      how long access decisions may be reused without a local write
   *                      ({@link IdentityAccessController#DEFAULT_CACHE_TTL}); bounds staleness across replicas
   * @param events        where every identity change is recorded, in the change's transaction
   * @param origin        where the current operation came from (client address, request id) for its record
   * @param repositories  the repositories whose access this decides; its changes drop cached decisions
   */
  public Identity(Database db, IdentityStores stores, PasswordHasher hasher, Clock clock, Set<String> reservedNames,
      Duration cacheTtl, EventLog events, Supplier<Caller> origin, RepositoryService repositories) {
    this.hasher = Objects.requireNonNull(hasher, "hasher");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.access = new IdentityAccessController(db, stores, repositories, clock, cacheTtl);
    // A repository made public or deleted (its grants with it) must show in the next decision.
    repositories.addChangeListener(name -> access.invalidate());
    Context context = new Context(db, stores, repositories, clock, access, reservedNames, events, origin);
    this.tokens = new AccessTokenService(context);
    this.users = new UserService(context, hasher, tokens);
    this.organizations = new OrganizationService(context);
    this.teams = new TeamService(context);
    this.repositories = new RepositoryAccessService(context);
    this.robots = new RobotService(context);
  }

  public IdentityAccessController accessController() {
    return access;
  }

  public UserService users() {
    return users;
  }

  public OrganizationService organizations() {
    return organizations;
  }

  public TeamService teams() {
    return teams;
  }

  public RepositoryAccessService repositories() {
    return repositories;
  }

  public RobotService robots() {
    return robots;
  }

  public AccessTokenService tokens() {
    return tokens;
  }

  /**
   * The login check for the token endpoint.
   *
   * @param bootstrapUsername the bootstrap administrator's name, whose logins go to {@code bootstrap}
   * @param external          the external directory, or null when none is configured
   */
  public DirectoryCredentials credentials(BootstrapAdminCredentials bootstrap, String bootstrapUsername,
      ExternalDirectory external) {
    return new DirectoryCredentials(this, hasher, clock, bootstrap, bootstrapUsername, external);
  }
}
