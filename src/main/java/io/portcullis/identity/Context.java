package io.portcullis.identity;

import io.portcullis.auth.Principal;
import io.portcullis.events.Event;
import io.portcullis.events.EventLog;
import io.portcullis.events.EventType;
import io.portcullis.metadata.Database;
import io.portcullis.metadata.Tx;
import io.portcullis.repository.RepositoryService;
import io.portcullis.shared.Caller;
import io.portcullis.shared.RepositoryName;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What every identity service shares: the database and the stores in it, the clock, the access policy
 * and its cache, and the event log every change is recorded in.
 */
final class Context {
  /** Most rows one list call returns. */
  static final int MAX_PAGE = 1000;

  final Database db;
  final Clock clock;
  final IdentityAccessController access;
  /** Names no user or organization may take (the bootstrap administrator's). */
  final Set<String> reservedNames;
  final NamespaceStore namespaces;
  final UserStore users;
  final OrganizationStore organizations;
  final TeamStore teams;
  final RobotStore robots;
  final TokenStore tokens;
  final AccessGrantStore grants;
  /** The repositories (the repository domain's), which identity guards but does not keep. */
  final RepositoryService repositories;
  private final EventLog events;
  private final Supplier<Caller> origin;

  Context(Database db, IdentityStores stores, RepositoryService repositories, Clock clock,
      IdentityAccessController access, Set<String> reservedNames, EventLog events, Supplier<Caller> origin) {
    this.db = db;
    this.repositories = repositories;
    this.namespaces = stores.namespaces();
    this.users = stores.users();
    this.organizations = stores.organizations();
    this.teams = stores.teams();
    this.robots = stores.robots();
    this.tokens = stores.tokens();
    this.grants = stores.grants();
    this.clock = clock;
    this.access = access;
    this.reservedNames = Set.copyOf(reservedNames);
    this.events = events;
    this.origin = origin;
  }

  /**
   * Records a change in the event log inside its transaction. The acting principal is explicit; where
   * the request came from (address, request id) is the origin's, so the audit entry ties to the access log.
   *
   * @param actor  who made the change; null for the registry itself (directory synchronisation)
   * @param target what changed, e.g. {@code user bob}, {@code team acme/ci}
   */
  void record(Tx tx, Principal actor, EventType type, String target, String repository, Map<String, String> detail) {
    events.append(tx, Event.change(type, clock.instant(), caller(actor), target,
        repository == null ? null : RepositoryName.of(repository), detail));
  }

  /** The acting principal from where the current operation came, as events record it. */
  Caller caller(Principal actor) {
    Caller from = origin.get();
    String name = actor == null ? Caller.SYSTEM.actor() : actor.kind() == Principal.Kind.ANONYMOUS ? "anonymous"
        : actor.subject();
    return new Caller(name, from.client(), from.requestId());
  }

  void record(Tx tx, Principal actor, EventType type, String target) {
    record(tx, actor, type, target, null, Map.of());
  }

  /** Runs {@code work} in one transaction, then drops cached access decisions. */
  <T> T write(Database.Work<T, RuntimeException> work) {
    try {
      return db.inTransaction(work);
    } finally {
      access.invalidate();
    }
  }

  <T> T read(Database.Work<T, RuntimeException> work) {
    return db.readOnly(work);
  }

  long now() {
    return clock.millis();
  }

  static int pageSize(int limit) {
    if (limit < 1) {
      throw new InvalidValueException("page size must be at least 1");
    }
    return Math.min(limit, MAX_PAGE);
  }

  void requireSystemAdmin(Principal actor) {
    if (!access.isSystemAdmin(actor)) {
      throw new ForbiddenException("only system administrators may do this");
    }
  }

  void requireOrganizationAdmin(Principal actor, String organization) {
    if (!access.isOrganizationAdmin(actor, organization)) {
      throw new ForbiddenException("only administrators of organization '" + organization + "' may do this");
    }
  }

  /** Refuses anonymous clients and robots: listing people and teams is for signed-in people. */
  void requirePerson(Principal actor) {
    boolean person = actor.kind() == Principal.Kind.USER || actor.kind() == Principal.Kind.ADMIN;
    if (!person || !(access.isSystemAdmin(actor) || access.isActiveUser(actor))) {
      throw new ForbiddenException("sign in as a user to do this");
    }
  }

  /**
   * Refuses those outside the organization as if it did not exist: its teams, members and admins are
   * shown to system administrators, its admins and its teams' members only.
   *
   * @throws ForbiddenException for anonymous clients and robots
   * @throws NotFoundException  for everyone else outside it
   */
  void requireVisibleOrganization(Principal actor, String organization) {
    requirePerson(actor);
    if (!access.isSystemAdmin(actor)
        && !read(tx -> organizations.isAdminOrTeamMember(tx, organization, actor.subject()))) {
      throw new NotFoundException("organization", organization);
    }
  }

  /**
   * Whether the acting principal is {@code username} itself, with credentials that may write. The
   * bootstrap administrator is itself before it has a users row (which its first token creates).
   */
  boolean isSelf(Principal actor, String username) {
    return actor.subject().equals(username) && (isWritingUser(actor) || isBootstrapAdmin(actor));
  }

  /** Whether the actor is the bootstrap administrator signed in with its configured password. */
  static boolean isBootstrapAdmin(Principal actor) {
    return actor.kind() == Principal.Kind.ADMIN && actor.has(Principal.Flag.BOOTSTRAP)
        && !actor.has(Principal.Flag.READ_ONLY);
  }

  /** Whether the actor is an active user account (not the bootstrap admin) acting with full credentials. */
  boolean isWritingUser(Principal actor) {
    return (actor.kind() == Principal.Kind.USER || actor.kind() == Principal.Kind.ADMIN)
        && !actor.has(Principal.Flag.BOOTSTRAP) && !actor.has(Principal.Flag.READ_ONLY) && access.isActiveUser(actor);
  }

  /** Records {@code name} as a user's or organization's namespace, refusing a taken one. */
  void claimNamespace(Tx tx, String name, String kind) {
    namespaces.claim(tx, name, kind).ifPresent(holder -> {
      throw new AlreadyExistsException(holder, name);
    });
  }

  void requireOrganization(Tx tx, String organization) {
    if (!organizations.exists(tx, organization)) {
      throw new NotFoundException("organization", organization);
    }
  }

  void requireUser(Tx tx, String username) {
    if (!users.exists(tx, username)) {
      throw new NotFoundException("user", username);
    }
  }

  void requireTeam(Tx tx, String organization, String team) {
    requireOrganization(tx, organization);
    if (!teams.exists(tx, organization, team)) {
      throw new NotFoundException("team", organization + "/" + team);
    }
  }
}
