package io.portcullis.web.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.auth.Action;
import io.portcullis.auth.InvalidScopeException;
import io.portcullis.auth.Principal;
import io.portcullis.identity.GroupMapping;
import io.portcullis.identity.Identity;
import io.portcullis.identity.IdentityException;
import io.portcullis.identity.Issued;
import io.portcullis.identity.NotFoundException;
import io.portcullis.identity.Organization;
import io.portcullis.identity.PersonalAccessToken;
import io.portcullis.identity.RepositoryLevel;
import io.portcullis.identity.Robot;
import io.portcullis.identity.RobotGrant;
import io.portcullis.identity.Team;
import io.portcullis.identity.TeamMember;
import io.portcullis.identity.TeamPermission;
import io.portcullis.identity.TeamRole;
import io.portcullis.identity.TokenScope;
import io.portcullis.identity.User;
import io.portcullis.identity.UserService;
import io.portcullis.identity.UserGrant;
import io.portcullis.identity.UserView;
import io.portcullis.repository.Repository;
import io.portcullis.repository.RepositoryException;
import io.portcullis.repository.SettingsChange;
import io.portcullis.repository.Visibility;
import io.portcullis.web.ErrorModel;
import io.portcullis.web.Exchange;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * The identity resources of {@code /api/v1}: users, personal access tokens, organizations and their
 * admins, teams with members, repository permissions and directory group mappings, robots, and
 * repository management (create, settings, user grants, delete).
 *
 * <p>Handlers only translate: they parse the request, call the {@link Identity} service (which decides who
 * may do what, in front of the repository domain for repositories) and map the answer.
 * {@link IdentityException}s and {@link RepositoryException}s become problems: not found 404 (also for
 * private repositories the caller cannot see), already exists and conflicts 409, invalid names and
 * values 400, forbidden 403 — or 401 when the caller did not sign in.
 */
public final class IdentityApi {
  /** Most actions in a robot grant body. */
  private static final int MAX_ACTIONS = 8;

  private final Identity identity;
  private final ApiAuthentication authentication;
  private final ObjectMapper json;

  IdentityApi(Identity identity, ApiAuthentication authentication, ObjectMapper json) {
    this.identity = identity;
    this.authentication = authentication;
    this.json = json;
  }

  /** One operation: the acting principal is resolved and identity failures mapped around it. */
  private Router.Handler op(ApiAuthentication.Operation operation) {
    return authentication.handler(operation, (ex, e, who) -> switch (e) {
      case IdentityException refused -> ApiAuthentication.refused(ex, ErrorModel.status(refused), refused.getMessage(), who);
      case RepositoryException refused -> Problem.of(ErrorModel.status(refused), refused.getMessage()).failure();
      case InvalidScopeException invalid -> Problem.badRequest(invalid.getMessage()).failure();
      default -> null;
    });
  }

  /** Adds the identity routes; the repository catch-all comes last, after every more specific template. */
  void addRoutes(Router r) {
    users(r);
    tokens(r);
    organizations(r);
    teams(r);
    robots(r);
    repositories(r);
  }

  // ---- users

  private void users(Router r) {
    r.add("GET", "/user", "api.user", op((ex, p, who) -> {
      if (who.has(Principal.Flag.BOOTSTRAP)) {
        // The bootstrap administrator lives in configuration, not in the users table.
        ex.sendJson(200, json, json.createObjectNode().put("name", who.subject()).put("systemAdmin", true)
            .put("source", "bootstrap"));
        return;
      }
      if (who.kind() == Principal.Kind.ANONYMOUS) {
        throw ApiAuthentication.unauthorized(ex, "credentials are required");
      }
      ex.sendJson(200, json, user(identity.users().get(who, who.subject())));
    }));
    r.add("GET", "/users", "api.users", op((ex, p, who) -> {
      Page page = Page.of(ex);
      sendPage(ex, page, "/users", identity.users().list(who, page.after(), page.fetch()), UserView::name, this::user);
    }));
    r.add("POST", "/users", "api.users", op((ex, p, who) -> {
      JsonBody b = JsonBody.read(ex, json, Set.of("name", "password", "displayName", "email", "systemAdmin"));
      User created = identity.users().create(who, b.requiredString("name"), b.requiredString("password"),
          b.string("displayName"), b.string("email"), Boolean.TRUE.equals(b.bool("systemAdmin")));
      created(ex, "/users/" + created.name(), user(created));
    }));
    r.add("GET", "/users/{user}", "api.user", op((ex, p, who) ->
        ex.sendJson(200, json, user(identity.users().view(who, p.get("user"))))));
    r.add("PATCH", "/users/{user}", "api.user", op((ex, p, who) -> {
      JsonBody b = JsonBody.read(ex, json, Set.of("displayName", "email", "systemAdmin", "disabled"));
      String name = p.get("user");
      User user = identity.users().get(who, name);
      boolean profile = b.has("displayName") || b.has("email");
      user = identity.users().update(who, name, new UserService.Change(profile,
          b.has("displayName") ? b.string("displayName") : user.displayName(),
          b.has("email") ? b.string("email") : user.email(), b.bool("systemAdmin"), b.bool("disabled")));
      ex.sendJson(200, json, user(user));
    }));
    r.add("DELETE", "/users/{user}", "api.user", op((ex, p, who) -> {
      identity.users().setDisabled(who, p.get("user"), true);
      ex.sendEmpty(204, 0);
    }));
    r.add("PUT", "/users/{user}/password", "api.user.password", op((ex, p, who) -> {
      JsonBody b = JsonBody.read(ex, json, Set.of("password", "currentPassword"));
      identity.users().setPassword(who, p.get("user"), b.string("currentPassword"), b.requiredString("password"));
      ex.sendEmpty(204, 0);
    }));
  }

  // ---- personal access tokens

  private void tokens(Router r) {
    r.add("GET", "/users/{user}/tokens", "api.tokens", op((ex, p, who) ->
        sendItems(ex, identity.tokens().list(who, p.get("user")), this::token)));
    r.add("POST", "/users/{user}/tokens", "api.tokens", op((ex, p, who) -> {
      JsonBody b = JsonBody.read(ex, json, Set.of("name", "scope", "expiresAt"));
      String scope = b.string("scope");
      Issued<PersonalAccessToken> issued = identity.tokens().create(who, p.get("user"), b.requiredString("name"),
          scope == null ? TokenScope.READ : TokenScope.fromWireName(scope), b.instant("expiresAt"));
      ObjectNode body = token(issued.account()).put("token", issued.secret());
      created(ex, "/users/" + issued.account().owner() + "/tokens/" + issued.account().id(), body);
    }));
    r.add("GET", "/users/{user}/tokens/{id}", "api.token", op((ex, p, who) -> {
      String id = p.get("id");
      PersonalAccessToken token = identity.tokens().list(who, p.get("user")).stream()
          .filter(t -> t.id().equals(id)).findFirst().orElseThrow(() -> new NotFoundException("token", id));
      ex.sendJson(200, json, token(token));
    }));
    r.add("DELETE", "/users/{user}/tokens/{id}", "api.token", op((ex, p, who) -> {
      identity.tokens().revoke(who, p.get("user"), p.get("id"));
      ex.sendEmpty(204, 0);
    }));
  }

  // ---- organizations

  private void organizations(Router r) {
    r.add("GET", "/orgs", "api.orgs", op((ex, p, who) -> {
      Page page = Page.of(ex);
      sendPage(ex, page, "/orgs", identity.organizations().list(who, page.after(), page.fetch()), Organization::name,
          this::organization);
    }));
    r.add("POST", "/orgs", "api.orgs", op((ex, p, who) -> {
      JsonBody b = JsonBody.read(ex, json, Set.of("name", "description"));
      Organization org = identity.organizations().create(who, b.requiredString("name"), b.string("description"));
      created(ex, "/orgs/" + org.name(), organization(org));
    }));
    r.add("GET", "/orgs/{org}", "api.org", op((ex, p, who) ->
        ex.sendJson(200, json, organization(identity.organizations().get(who, p.get("org"))))));
    r.add("PATCH", "/orgs/{org}", "api.org", op((ex, p, who) -> {
      JsonBody b = JsonBody.read(ex, json, Set.of("description"));
      ex.sendJson(200, json, organization(identity.organizations().update(who, p.get("org"), b.string("description"))));
    }));
    r.add("DELETE", "/orgs/{org}", "api.org", op((ex, p, who) -> {
      identity.organizations().delete(who, p.get("org"));
      ex.sendEmpty(204, 0);
    }));
    r.add("GET", "/orgs/{org}/admins", "api.org.admins", op((ex, p, who) ->
        sendItems(ex, identity.organizations().admins(who, p.get("org")), this::username)));
    r.add("GET", "/orgs/{org}/admins/{user}", "api.org.admin", op((ex, p, who) -> {
      String user = p.get("user");
      if (!identity.organizations().admins(who, p.get("org")).contains(user)) {
        throw new NotFoundException("admin of " + p.get("org"), user);
      }
      ex.sendJson(200, json, username(user));
    }));
    r.add("PUT", "/orgs/{org}/admins/{user}", "api.org.admin", op((ex, p, who) -> {
      identity.organizations().addAdmin(who, p.get("org"), p.get("user"));
      ex.sendJson(200, json, username(p.get("user")));
    }));
    r.add("DELETE", "/orgs/{org}/admins/{user}", "api.org.admin", op((ex, p, who) -> {
      identity.organizations().removeAdmin(who, p.get("org"), p.get("user"));
      ex.sendEmpty(204, 0);
    }));
  }

  // ---- teams, members, permissions, group mappings

  private void teams(Router r) {
    String team = "/orgs/{org}/teams/{team}";
    r.add("GET", "/orgs/{org}/teams", "api.teams", op((ex, p, who) ->
        sendItems(ex, identity.teams().list(who, p.get("org")), this::team)));
    r.add("POST", "/orgs/{org}/teams", "api.teams", op((ex, p, who) -> {
      JsonBody b = JsonBody.read(ex, json, Set.of("name", "description"));
      Team created = identity.teams().create(who, p.get("org"), b.requiredString("name"), b.string("description"));
      created(ex, "/orgs/" + created.organization() + "/teams/" + created.name(), team(created));
    }));
    r.add("GET", team, "api.team", op((ex, p, who) ->
        ex.sendJson(200, json, team(identity.teams().get(who, p.get("org"), p.get("team"))))));
    r.add("PATCH", team, "api.team", op((ex, p, who) -> {
      JsonBody b = JsonBody.read(ex, json, Set.of("description"));
      ex.sendJson(200, json, team(identity.teams().update(who, p.get("org"), p.get("team"), b.string("description"))));
    }));
    r.add("DELETE", team, "api.team", op((ex, p, who) -> {
      identity.teams().delete(who, p.get("org"), p.get("team"));
      ex.sendEmpty(204, 0);
    }));
    r.add("GET", team + "/members", "api.team.members", op((ex, p, who) ->
        sendItems(ex, identity.teams().members(who, p.get("org"), p.get("team")), this::member)));
    r.add("PUT", team + "/members/{user}", "api.team.member", op((ex, p, who) -> {
      JsonBody b = JsonBody.read(ex, json, Set.of("role"));
      String role = b.string("role");
      TeamRole parsed = role == null ? TeamRole.MEMBER : TeamRole.fromWireName(role);
      identity.teams().addMember(who, p.get("org"), p.get("team"), p.get("user"), parsed);
      ex.sendJson(200, json, member(new TeamMember(p.get("user"), parsed, false)));
    }));
    r.add("DELETE", team + "/members/{user}", "api.team.member", op((ex, p, who) -> {
      identity.teams().removeMember(who, p.get("org"), p.get("team"), p.get("user"));
      ex.sendEmpty(204, 0);
    }));
    r.add("GET", team + "/permissions", "api.team.permissions", op((ex, p, who) ->
        sendItems(ex, identity.repositories().teamPermissions(who, p.get("org"), p.get("team")), this::permission)));
    r.add("PUT", team + "/permissions/{repository...}", "api.team.permission", op((ex, p, who) -> {
      JsonBody b = JsonBody.read(ex, json, Set.of("level"));
      RepositoryLevel level = RepositoryLevel.fromWireName(b.requiredString("level"));
      ex.sendJson(200, json, permission(identity.repositories().setTeamPermission(who, p.get("org"), p.get("team"),
          p.get("repository"), level)));
    }));
    r.add("DELETE", team + "/permissions/{repository...}", "api.team.permission", op((ex, p, who) -> {
      identity.repositories().removeTeamPermission(who, p.get("org"), p.get("team"), p.get("repository"));
      ex.sendEmpty(204, 0);
    }));
    r.add("GET", team + "/groups", "api.team.groups", op((ex, p, who) ->
        sendItems(ex, groupMappings(who, p.get("org"), p.get("team")), this::mapping)));
    r.add("GET", team + "/groups/{group}", "api.team.group", op((ex, p, who) -> {
      String group = p.get("group");
      GroupMapping mapping = groupMappings(who, p.get("org"), p.get("team")).stream()
          .filter(m -> m.group().equalsIgnoreCase(group)).findFirst()
          .orElseThrow(() -> new NotFoundException("group mapping", group + " -> " + p.get("org") + "/" + p.get("team")));
      ex.sendJson(200, json, mapping(mapping));
    }));
    r.add("PUT", team + "/groups/{group}", "api.team.group", op((ex, p, who) ->
        ex.sendJson(200, json, mapping(identity.teams().mapGroup(who, p.get("group"), p.get("org"), p.get("team"))))));
    r.add("DELETE", team + "/groups/{group}", "api.team.group", op((ex, p, who) -> {
      identity.teams().unmapGroup(who, p.get("group"), p.get("org"), p.get("team"));
      ex.sendEmpty(204, 0);
    }));
  }

  private List<GroupMapping> groupMappings(Principal who, String organization, String team) {
    identity.teams().get(who, organization, team);
    return identity.teams().groupMappings(who).stream()
        .filter(m -> m.organization().equals(organization) && m.team().equals(team)).toList();
  }

  // ---- robots

  private void robots(Router r) {
    r.add("GET", "/orgs/{org}/robots", "api.robots", op((ex, p, who) ->
        sendItems(ex, identity.robots().list(who, p.get("org")), this::robot)));
    r.add("POST", "/orgs/{org}/robots", "api.robots", op((ex, p, who) -> {
      JsonBody b = JsonBody.read(ex, json, Set.of("name", "description", "expiresAt"));
      Issued<Robot> issued = identity.robots().create(who, p.get("org"), b.requiredString("name"),
          b.string("description"), b.instant("expiresAt"));
      created(ex, "/robots/" + issued.account().name(), robot(issued.account()).put("secret", issued.secret()));
    }));
    r.add("GET", "/robots/{robot}", "api.robot", op((ex, p, who) -> {
      ObjectNode body = robot(identity.robots().get(who, p.get("robot")));
      ArrayNode grants = body.putArray("grants");
      identity.robots().grants(who, p.get("robot")).forEach(g -> grants.add(grant(g)));
      ex.sendJson(200, json, body);
    }));
    r.add("DELETE", "/robots/{robot}", "api.robot", op((ex, p, who) -> {
      identity.robots().delete(who, p.get("robot"));
      ex.sendEmpty(204, 0);
    }));
    r.add("POST", "/robots/{robot}/rotate", "api.robot.rotate", op((ex, p, who) -> {
      JsonBody b = JsonBody.read(ex, json, Set.of("expiresAt"));
      Issued<Robot> issued = identity.robots().rotate(who, p.get("robot"), b.instant("expiresAt"));
      ex.sendJson(200, json, robot(issued.account()).put("secret", issued.secret()));
    }));
    r.add("PUT", "/robots/{robot}/grants/{repository...}", "api.robot.grant", op((ex, p, who) -> {
      JsonBody b = JsonBody.read(ex, json, Set.of("actions"));
      Set<Action> actions = EnumSet.noneOf(Action.class);
      b.strings("actions", MAX_ACTIONS).forEach(a -> actions.add(Action.fromWireName(a)));
      if (actions.isEmpty()) {
        throw Problem.badRequest("field 'actions' must name at least one of pull, push, delete"
            + " (DELETE the grant to remove it)").failure();
      }
      ex.sendJson(200, json, grant(identity.robots().setGrant(who, p.get("robot"), p.get("repository"), actions)));
    }));
    r.add("DELETE", "/robots/{robot}/grants/{repository...}", "api.robot.grant", op((ex, p, who) -> {
      identity.robots().setGrant(who, p.get("robot"), p.get("repository"), Set.of());
      ex.sendEmpty(204, 0);
    }));
  }

  // ---- repositories

  private void repositories(Router r) {
    String repo = "/repositories/{name...}";
    r.add("GET", "/repositories", "api.repositories", op((ex, p, who) -> {
      Page page = Page.of(ex);
      String q = ex.query("q") == null ? null : ex.query("q").toLowerCase(Locale.ROOT);
      sendPage(ex, page, "/repositories" + (q == null ? "" : "?q=" + encode(q)),
          identity.repositories().list(who, page.after(), page.limit(), q), found -> found.name().value(),
          this::repository);
    }));
    r.add("POST", "/repositories", "api.repositories", op((ex, p, who) -> {
      JsonBody b = JsonBody.read(ex, json, Set.of("name", "visibility", "description", "scanOnPush", "immutableTags"));
      Repository created = identity.repositories().create(who, b.requiredString("name"), settings(b));
      created(ex, "/repositories/" + created.name(), repository(created));
    }));
    r.add("GET", repo + "/users/{user}", "api.repository.user", op((ex, p, who) -> {
      String user = p.get("user");
      UserGrant grant = identity.repositories().userGrants(who, p.get("name")).stream()
          .filter(g -> g.username().equals(user)).findFirst()
          .orElseThrow(() -> new NotFoundException("grant on " + p.get("name") + " to user", user));
      ex.sendJson(200, json, userGrant(grant));
    }));
    r.add("PUT", repo + "/users/{user}", "api.repository.user", op((ex, p, who) -> {
      JsonBody b = JsonBody.read(ex, json, Set.of("level"));
      RepositoryLevel level = RepositoryLevel.fromWireName(b.requiredString("level"));
      ex.sendJson(200, json, userGrant(identity.repositories().grantUser(who, p.get("name"), p.get("user"), level)));
    }));
    r.add("DELETE", repo + "/users/{user}", "api.repository.user", op((ex, p, who) -> {
      identity.repositories().revokeUser(who, p.get("name"), p.get("user"));
      ex.sendEmpty(204, 0);
    }));
    r.add("GET", repo + "/users", "api.repository.users", op((ex, p, who) ->
        sendItems(ex, identity.repositories().userGrants(who, p.get("name")), this::userGrant)));
    r.add("GET", repo + "/teams", "api.repository.teams", op((ex, p, who) ->
        sendItems(ex, identity.repositories().teamPermissionsOn(who, p.get("name")), this::permission)));
    r.add("GET", repo, "api.repository", op((ex, p, who) ->
        ex.sendJson(200, json, repository(identity.repositories().get(who, p.get("name"))))));
    r.add("PATCH", repo, "api.repository", op((ex, p, who) -> {
      JsonBody b = JsonBody.read(ex, json, Set.of("description", "visibility", "scanOnPush", "immutableTags"));
      String name = p.get("name");
      // Seen first: those who may not see the repository learn nothing from how their body is wrong.
      Repository current = identity.repositories().get(who, name);
      SettingsChange change = settings(b);
      ex.sendJson(200, json, repository(change.isEmpty() ? current : identity.repositories().update(who, name, change)));
    }));
    r.add("DELETE", repo, "api.repository", op((ex, p, who) -> {
      identity.repositories().delete(who, p.get("name"));
      ex.sendEmpty(204, 0);
    }));
  }

  /** The settings a create or update body names; those it leaves out (or sets to null) stay as they are. */
  private static SettingsChange settings(JsonBody b) {
    SettingsChange change = SettingsChange.NONE;
    if (b.string("visibility") != null) {
      change = change.withVisibility(Visibility.fromWireName(b.string("visibility")));
    }
    if (b.has("description")) {
      change = change.withDescription(b.string("description"));
    }
    if (b.bool("scanOnPush") != null) {
      change = change.withScanOnPush(b.bool("scanOnPush"));
    }
    if (b.bool("immutableTags") != null) {
      change = change.withImmutableTags(b.bool("immutableTags"));
    }
    return change;
  }

  // ---- pagination

  /** {@code limit} and {@code after} of a list request. */
  private record Page(int limit, String after) {
    static final int DEFAULT = 100;

    static Page of(Exchange ex) {
      return new Page(ApiV1.intParam(ex, "limit", DEFAULT, 1, ApiV1.MAX_PAGE), ex.query("after"));
    }

    /** How many to ask the service for: one more than the page, to learn whether another follows. */
    int fetch() {
      return limit + 1;
    }
  }

  private <T> void sendPage(Exchange ex, Page page, String path, List<T> fetched, Function<T, String> key,
      Function<T, ObjectNode> toJson) throws IOException {
    boolean more = fetched.size() > page.limit();
    List<T> shown = more ? fetched.subList(0, page.limit()) : fetched;
    sendPage(ex, page, path, shown, more ? key.apply(shown.getLast()) : null, toJson);
  }

  /** Sends {@code items}; {@code nextAfter} is the cursor of the next page, or null on the last page. */
  private <T> void sendPage(Exchange ex, Page page, String path, List<T> items, String nextAfter,
      Function<T, ObjectNode> toJson) throws IOException {
    ObjectNode body = json.createObjectNode();
    ArrayNode array = body.putArray("items");
    items.forEach(item -> array.add(toJson.apply(item)));
    if (nextAfter != null) {
      String next = ApiV1.PREFIX + path + (path.contains("?") ? "&" : "?") + "limit=" + page.limit() + "&after="
          + encode(nextAfter);
      body.put("next", next);
      ex.header("Link", "<" + next + ">; rel=\"next\"");
    }
    ex.sendJson(200, json, body);
  }

  /** A complete, bounded list (the services cap these collections), in the shape of a last page. */
  private <T> void sendItems(Exchange ex, List<T> items, Function<T, ObjectNode> toJson) throws IOException {
    ObjectNode body = json.createObjectNode();
    ArrayNode array = body.putArray("items");
    items.forEach(item -> array.add(toJson.apply(item)));
    ex.sendJson(200, json, body);
  }

  private void created(Exchange ex, String path, ObjectNode body) throws IOException {
    ex.header("Location", ApiV1.PREFIX + path);
    ex.sendJson(201, json, body);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  // ---- representations

  private ObjectNode user(UserView view) {
    ObjectNode node = json.createObjectNode().put("name", view.name()).put("displayName", view.displayName());
    if (view instanceof User u) {
      node.put("email", u.email()).put("systemAdmin", u.systemAdmin()).put("source", u.source().wireName())
          .put("disabled", u.disabled()).put("hasPassword", u.hasPassword());
      time(node, "createdAt", u.createdAt());
      time(node, "lastLoginAt", u.lastLoginAt());
    }
    return node;
  }

  private ObjectNode token(PersonalAccessToken t) {
    ObjectNode node = json.createObjectNode().put("id", t.id()).put("owner", t.owner()).put("name", t.name())
        .put("scope", t.scope().wireName());
    time(node, "createdAt", t.createdAt());
    time(node, "expiresAt", t.expiresAt());
    time(node, "revokedAt", t.revokedAt());
    time(node, "lastUsedAt", t.lastUsedAt());
    return node;
  }

  private ObjectNode organization(Organization o) {
    ObjectNode node = json.createObjectNode().put("name", o.name()).put("description", o.description());
    time(node, "createdAt", o.createdAt());
    return node;
  }

  private ObjectNode username(String name) {
    return json.createObjectNode().put("username", name);
  }

  private ObjectNode team(Team t) {
    ObjectNode node = json.createObjectNode().put("organization", t.organization()).put("name", t.name())
        .put("description", t.description());
    time(node, "createdAt", t.createdAt());
    return node;
  }

  private ObjectNode member(TeamMember m) {
    return json.createObjectNode().put("username", m.username()).put("role", m.role().wireName())
        .put("synced", m.synced());
  }

  private ObjectNode permission(TeamPermission p) {
    return json.createObjectNode().put("organization", p.organization()).put("team", p.team())
        .put("repository", p.repository()).put("level", p.level().wireName());
  }

  private ObjectNode mapping(GroupMapping m) {
    return json.createObjectNode().put("group", m.group()).put("organization", m.organization()).put("team", m.team());
  }

  private ObjectNode robot(Robot r) {
    ObjectNode node = json.createObjectNode().put("name", r.name()).put("organization", r.organization())
        .put("description", r.description()).put("disabled", r.disabled());
    time(node, "expiresAt", r.expiresAt());
    time(node, "createdAt", r.createdAt());
    time(node, "lastUsedAt", r.lastUsedAt());
    return node;
  }

  private ObjectNode grant(RobotGrant g) {
    ObjectNode node = json.createObjectNode().put("robot", g.robot()).put("repository", g.repository());
    ArrayNode actions = node.putArray("actions");
    g.actions().forEach(a -> actions.add(a.wireName()));
    return node;
  }

  private ObjectNode repository(Repository r) {
    ObjectNode node = json.createObjectNode().put("name", r.name().value()).put("visibility", r.visibility().wireName())
        .put("description", r.description()).put("scanOnPush", r.scanOnPush()).put("immutableTags", r.immutableTags());
    time(node, "createdAt", r.createdAt());
    return node;
  }

  private ObjectNode userGrant(UserGrant g) {
    return json.createObjectNode().put("username", g.username()).put("repository", g.repository())
        .put("level", g.level().wireName());
  }

  /** Times are RFC 3339 UTC strings; absent ones are null. */
  static void time(ObjectNode node, String field, Instant value) {
    if (value == null) {
      node.putNull(field);
    } else {
      node.put(field, value.toString());
    }
  }
}
