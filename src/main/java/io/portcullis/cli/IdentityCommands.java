package io.portcullis.cli;

import static io.portcullis.cli.AdminCommands.enc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis users|tokens|orgs|teams|robots|repos …}: identity and repository management through
 * the REST API of a running server. Every command prints a short text answer, or with {@code --output json}
 * the server's JSON (lists as one array).
 */
public final class IdentityCommands {
  private static final ObjectMapper JSON = new ObjectMapper();

  private IdentityCommands() {}

  /** What every identity command does: one or more calls, then text or the JSON answer. */
  abstract static class Base implements Callable<Integer> {
    @Mixin
    AdminCommands.Connection connection;

    abstract JsonNode execute(ApiClient client) throws Exception;

    /** The answer as text for people. */
    abstract String text(JsonNode answer);

    @Override
    public Integer call() throws Exception {
      return AdminCommands.run(() -> {
        JsonNode answer = execute(connection.client());
        if (connection.json()) {
          AdminCommands.print(System.out, answer);
        } else {
          System.out.println(text(answer));
        }
        return 0;
      });
    }

    static ObjectNode body() {
      return JSON.createObjectNode();
    }

    /** One line per item. */
    static String lines(JsonNode items, Function<JsonNode, String> line) {
      StringBuilder out = new StringBuilder();
      items.forEach(item -> out.append(out.isEmpty() ? "" : "\n").append(line.apply(item)));
      return out.isEmpty() ? "(none)" : out.toString();
    }
  }

  /** Prints the usage of a command group run without a subcommand. */
  abstract static class Group implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().usage(System.out);
    }
  }

  private static String orEmpty(JsonNode node, String field) {
    return node.hasNonNull(field) ? node.get(field).asText() : "";
  }

  // ---- users

  @Command(name = "users", mixinStandardHelpOptions = true, description = "Users.",
      subcommands = {UsersList.class, UsersCreate.class, UsersGet.class, UsersDisable.class, UsersSetPassword.class})
  public static final class Users extends Group {}

  static String userLine(JsonNode u) {
    return String.format("%-24s %-6s %s%s%s", u.path("name").asText(), u.path("source").asText(),
        orEmpty(u, "displayName"), u.path("systemAdmin").asBoolean() ? "  [system admin]" : "",
        u.path("disabled").asBoolean() ? "  [disabled]" : "");
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List users.")
  static final class UsersList extends Base {
    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.getAll("/users");
    }

    @Override
    String text(JsonNode answer) {
      return lines(answer, IdentityCommands::userLine);
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a local user (system administrators).")
  static final class UsersCreate extends Base {
    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--password", required = true, interactive = true, arity = "0..1",
        description = "The new user's password (at least 12 characters); asked for when given without a value.")
    String password;

    @Option(names = "--display-name")
    String displayName;

    @Option(names = "--email")
    String email;

    @Option(names = "--system-admin", description = "Make the user a system administrator.")
    boolean systemAdmin;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.call("POST", "/users", body().put("name", name).put("password", password)
          .put("displayName", displayName).put("email", email).put("systemAdmin", systemAdmin));
    }

    @Override
    String text(JsonNode answer) {
      return "created user " + answer.path("name").asText();
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a user.")
  static final class UsersGet extends Base {
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.get("/users/" + name);
    }

    @Override
    String text(JsonNode answer) {
      return userLine(answer);
    }
  }

  @Command(name = "disable", mixinStandardHelpOptions = true,
      description = "Disable a user (system administrators); users are never deleted.")
  static final class UsersDisable extends Base {
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.call("DELETE", "/users/" + name, null);
    }

    @Override
    String text(JsonNode answer) {
      return "disabled user " + name;
    }
  }

  @Command(name = "set-password", mixinStandardHelpOptions = true,
      description = "Set a local user's password (yourself, or any user as a system administrator). "
          + "Revokes the user's personal access tokens.")
  static final class UsersSetPassword extends Base {
    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--current-password", interactive = true, arity = "0..1",
        description = "Your present password, required to change your own; asked for when given without a value.")
    String currentPassword;

    @Option(names = "--password", required = true, interactive = true, arity = "0..1",
        description = "The new password; asked for when given without a value.")
    String password;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      var body = body().put("password", password);
      if (currentPassword != null) {
        body.put("currentPassword", currentPassword);
      }
      return client.call("PUT", "/users/" + name + "/password", body);
    }

    @Override
    String text(JsonNode answer) {
      return "password of " + name + " changed";
    }
  }

  // ---- personal access tokens

  @Command(name = "tokens", mixinStandardHelpOptions = true, description = "Personal access tokens.",
      subcommands = {TokensCreate.class, TokensList.class, TokensRevoke.class})
  public static final class Tokens extends Group {}

  /** Tokens belong to the signed-in user unless {@code --owner} names another (administrators). */
  abstract static class TokenBase extends Base {
    @Option(names = "--owner", description = "Whose tokens (default: the signed-in user).")
    String owner;

    String tokens() {
      return "/users/" + (owner == null ? connection.user : owner) + "/tokens";
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Create a token for yourself; its secret is shown once. Use it as the password of docker login.")
  static final class TokensCreate extends TokenBase {
    @Parameters(paramLabel = "NAME", description = "What the token is for, e.g. laptop or ci.")
    String name;

    @Option(names = "--scope", defaultValue = "read", description = "read (pull only) or read-write (default ${DEFAULT-VALUE}).")
    String scope;

    @Option(names = "--expires-at", description = "RFC 3339 time, e.g. 2030-01-31T00:00:00Z (default: never).")
    String expiresAt;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.call("POST", tokens(), body().put("name", name).put("scope", scope).put("expiresAt", expiresAt));
    }

    @Override
    String text(JsonNode answer) {
      return "token " + answer.path("id").asText() + " (" + answer.path("scope").asText() + "), shown once:\n"
          + answer.path("token").asText();
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List tokens, newest first.")
  static final class TokensList extends TokenBase {
    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.get(tokens()).path("items");
    }

    @Override
    String text(JsonNode answer) {
      return lines(answer, t -> String.format("%-28s %-10s %-20s expires %s%s", t.path("id").asText(),
          t.path("scope").asText(), t.path("name").asText(), t.hasNonNull("expiresAt") ? t.get("expiresAt").asText()
              : "never", t.hasNonNull("revokedAt") ? "  [revoked]" : ""));
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a token; it stops working at once.")
  static final class TokensRevoke extends TokenBase {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.call("DELETE", tokens() + "/" + id, null);
    }

    @Override
    String text(JsonNode answer) {
      return "revoked token " + id;
    }
  }

  // ---- organizations

  @Command(name = "orgs", mixinStandardHelpOptions = true, description = "Organizations.",
      subcommands = {OrgsList.class, OrgsCreate.class, OrgsDelete.class, OrgsAddAdmin.class})
  public static final class Orgs extends Group {}

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List organizations.")
  static final class OrgsList extends Base {
    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.getAll("/orgs");
    }

    @Override
    String text(JsonNode answer) {
      return lines(answer, o -> String.format("%-24s %s", o.path("name").asText(), orEmpty(o, "description")));
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create an organization (system administrators).")
  static final class OrgsCreate extends Base {
    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--description")
    String description;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.call("POST", "/orgs", body().put("name", name).put("description", description));
    }

    @Override
    String text(JsonNode answer) {
      return "created organization " + answer.path("name").asText();
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true,
      description = "Delete an organization with its teams and robots (system administrators; it must have no repositories).")
  static final class OrgsDelete extends Base {
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.call("DELETE", "/orgs/" + name, null);
    }

    @Override
    String text(JsonNode answer) {
      return "deleted organization " + name;
    }
  }

  @Command(name = "add-admin", mixinStandardHelpOptions = true, description = "Make a user an organization admin.")
  static final class OrgsAddAdmin extends Base {
    @Parameters(index = "0", paramLabel = "ORG")
    String org;

    @Parameters(index = "1", paramLabel = "USER")
    String user;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.call("PUT", "/orgs/" + org + "/admins/" + user, null);
    }

    @Override
    String text(JsonNode answer) {
      return user + " administers " + org;
    }
  }

  // ---- teams

  @Command(name = "teams", mixinStandardHelpOptions = true, description = "Teams, members and repository permissions.",
      subcommands = {TeamsList.class, TeamsCreate.class, TeamsAddMember.class, TeamsRemoveMember.class,
          TeamsGrant.class, TeamsRevoke.class})
  public static final class Teams extends Group {}

  /** Commands on one team: ORG TEAM come first. */
  abstract static class TeamBase extends Base {
    @Parameters(index = "0", paramLabel = "ORG")
    String org;

    @Parameters(index = "1", paramLabel = "TEAM")
    String team;

    String path() {
      return "/orgs/" + org + "/teams/" + team;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List an organization's teams.")
  static final class TeamsList extends Base {
    @Parameters(paramLabel = "ORG")
    String org;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.get("/orgs/" + org + "/teams").path("items");
    }

    @Override
    String text(JsonNode answer) {
      return lines(answer, t -> String.format("%-24s %s", t.path("name").asText(), orEmpty(t, "description")));
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a team (organization admins).")
  static final class TeamsCreate extends Base {
    @Parameters(index = "0", paramLabel = "ORG")
    String org;

    @Parameters(index = "1", paramLabel = "TEAM")
    String team;

    @Option(names = "--description")
    String description;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.call("POST", "/orgs/" + org + "/teams", body().put("name", team).put("description", description));
    }

    @Override
    String text(JsonNode answer) {
      return "created team " + org + "/" + team;
    }
  }

  @Command(name = "add-member", mixinStandardHelpOptions = true, description = "Add a member or change their role.")
  static final class TeamsAddMember extends TeamBase {
    @Parameters(index = "2", paramLabel = "USER")
    String user;

    @Option(names = "--role", defaultValue = "member", description = "member or admin (default ${DEFAULT-VALUE}).")
    String role;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.call("PUT", path() + "/members/" + user, body().put("role", role));
    }

    @Override
    String text(JsonNode answer) {
      return user + " is " + answer.path("role").asText() + " of " + org + "/" + team;
    }
  }

  @Command(name = "remove-member", mixinStandardHelpOptions = true, description = "Remove a member.")
  static final class TeamsRemoveMember extends TeamBase {
    @Parameters(index = "2", paramLabel = "USER")
    String user;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.call("DELETE", path() + "/members/" + user, null);
    }

    @Override
    String text(JsonNode answer) {
      return "removed " + user + " from " + org + "/" + team;
    }
  }

  @Command(name = "grant", mixinStandardHelpOptions = true,
      description = "Give the team a level on a repository of its organization (it need not exist yet).")
  static final class TeamsGrant extends TeamBase {
    @Parameters(index = "2", paramLabel = "REPOSITORY")
    String repository;

    @Option(names = "--level", required = true, description = "read, read-write or admin.")
    String level;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.call("PUT", path() + "/permissions/" + repository, body().put("level", level));
    }

    @Override
    String text(JsonNode answer) {
      return org + "/" + team + " has " + answer.path("level").asText() + " on " + repository;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Remove the team's permission on a repository.")
  static final class TeamsRevoke extends TeamBase {
    @Parameters(index = "2", paramLabel = "REPOSITORY")
    String repository;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.call("DELETE", path() + "/permissions/" + repository, null);
    }

    @Override
    String text(JsonNode answer) {
      return org + "/" + team + " no longer has a permission on " + repository;
    }
  }

  // ---- robots

  @Command(name = "robots", mixinStandardHelpOptions = true, description = "Robot accounts for CI.",
      subcommands = {RobotsCreate.class, RobotsList.class, RobotsGrant.class, RobotsRotate.class, RobotsDelete.class})
  public static final class Robots extends Group {}

  static String robotSecret(JsonNode robot) {
    return "robot " + robot.path("name").asText() + ", secret (shown once):\n" + robot.path("secret").asText();
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Create robot ORG+NAME (organization admins); its secret is shown once.")
  static final class RobotsCreate extends Base {
    @Parameters(index = "0", paramLabel = "ORG")
    String org;

    @Parameters(index = "1", paramLabel = "NAME")
    String name;

    @Option(names = "--description")
    String description;

    @Option(names = "--expires-at", description = "RFC 3339 time (default: never).")
    String expiresAt;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.call("POST", "/orgs/" + org + "/robots", body().put("name", name).put("description", description)
          .put("expiresAt", expiresAt));
    }

    @Override
    String text(JsonNode answer) {
      return robotSecret(answer);
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List an organization's robots.")
  static final class RobotsList extends Base {
    @Parameters(paramLabel = "ORG")
    String org;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.get("/orgs/" + org + "/robots").path("items");
    }

    @Override
    String text(JsonNode answer) {
      return lines(answer, r -> String.format("%-32s expires %-22s %s", r.path("name").asText(),
          r.hasNonNull("expiresAt") ? r.get("expiresAt").asText() : "never", orEmpty(r, "description")));
    }
  }

  @Command(name = "grant", mixinStandardHelpOptions = true,
      description = "Set what a robot may do on a repository of its organization.")
  static final class RobotsGrant extends Base {
    @Parameters(index = "0", paramLabel = "ROBOT", description = "ORG+NAME")
    String robot;

    @Parameters(index = "1", paramLabel = "REPOSITORY")
    String repository;

    @Option(names = "--actions", required = true, split = ",", description = "Some of pull, push, delete.")
    List<String> actions;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      ObjectNode body = body();
      actions.forEach(body.putArray("actions")::add);
      return client.call("PUT", "/robots/" + robot + "/grants/" + repository, body);
    }

    @Override
    String text(JsonNode answer) {
      return robot + " may " + String.join(",", actions) + " on " + repository;
    }
  }

  @Command(name = "rotate", mixinStandardHelpOptions = true,
      description = "Replace a robot's secret (the old one stops working at once).")
  static final class RobotsRotate extends Base {
    @Parameters(paramLabel = "ROBOT", description = "ORG+NAME")
    String robot;

    @Option(names = "--expires-at", description = "RFC 3339 time (default: never).")
    String expiresAt;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.call("POST", "/robots/" + robot + "/rotate", body().put("expiresAt", expiresAt));
    }

    @Override
    String text(JsonNode answer) {
      return robotSecret(answer);
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a robot and its grants.")
  static final class RobotsDelete extends Base {
    @Parameters(paramLabel = "ROBOT", description = "ORG+NAME")
    String robot;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.call("DELETE", "/robots/" + robot, null);
    }

    @Override
    String text(JsonNode answer) {
      return "deleted robot " + robot;
    }
  }

  // ---- repositories

  @Command(name = "repos", mixinStandardHelpOptions = true,
      description = "Repositories: settings (visibility, scan on push, immutable tags), access, deletion.",
      subcommands = {ReposList.class, ReposCreate.class, ReposUpdate.class, ReposSetVisibility.class, ReposDelete.class,
          ReposGrantUser.class})
  public static final class Repos extends Group {}

  static String repositoryLine(JsonNode r) {
    return String.format("%-40s %-8s %-12s %-14s %s", r.path("name").asText(), r.path("visibility").asText(),
        r.path("scanOnPush").asBoolean() ? "scan-on-push" : "no-scan", r.path("immutableTags").asBoolean()
            ? "immutable-tags" : "mutable-tags", orEmpty(r, "description"));
  }

  /** The settings options of {@code repos create} and {@code repos update}; those not given are not sent. */
  static final class RepositorySettings {
    @Option(names = "--scan-on-push", negatable = true,
        description = "Scan every pushed manifest (--no-scan-on-push: only when asked).")
    Boolean scanOnPush;

    @Option(names = "--immutable-tags", negatable = true,
        description = "Refuse moving or deleting a pushed tag, and deleting a manifest a tag points at.")
    Boolean immutableTags;

    ObjectNode addTo(ObjectNode body) {
      if (scanOnPush != null) {
        body.put("scanOnPush", scanOnPush);
      }
      if (immutableTags != null) {
        body.put("immutableTags", immutableTags);
      }
      return body;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the repositories you may pull.")
  static final class ReposList extends Base {
    @Option(names = {"-q", "--query"}, description = "Only names containing this.")
    String query;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.getAll("/repositories" + (query == null ? "" : "?q=" + enc(query)));
    }

    @Override
    String text(JsonNode answer) {
      return lines(answer, IdentityCommands::repositoryLine);
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create an empty repository.")
  static final class ReposCreate extends Base {
    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--visibility", defaultValue = "private", description = "private or public (default ${DEFAULT-VALUE}).")
    String visibility;

    @Option(names = "--description")
    String description;

    @Mixin
    RepositorySettings settings;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.call("POST", "/repositories", settings.addTo(body().put("name", name).put("visibility", visibility)
          .put("description", description)));
    }

    @Override
    String text(JsonNode answer) {
      return "created " + repositoryLine(answer);
    }
  }

  @Command(name = "update", mixinStandardHelpOptions = true,
      description = "Change a repository's settings, all in one go; those not given stay.")
  static final class ReposUpdate extends Base {
    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--visibility", description = "private or public.")
    String visibility;

    @Option(names = "--description", description = "New description; an empty one clears it.")
    String description;

    @Mixin
    RepositorySettings settings;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      ObjectNode change = settings.addTo(body());
      if (visibility != null) {
        change.put("visibility", visibility);
      }
      if (description != null) {
        change.put("description", description);
      }
      return client.call("PATCH", "/repositories/" + name, change);
    }

    @Override
    String text(JsonNode answer) {
      return repositoryLine(answer);
    }
  }

  @Command(name = "set-visibility", mixinStandardHelpOptions = true, description = "Make a repository public or private.")
  static final class ReposSetVisibility extends Base {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", paramLabel = "VISIBILITY", description = "public or private")
    String visibility;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.call("PATCH", "/repositories/" + name, body().put("visibility", visibility));
    }

    @Override
    String text(JsonNode answer) {
      return repositoryLine(answer);
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true,
      description = "Delete a repository with its tags, manifests and permissions (namespace owners, organization admins).")
  static final class ReposDelete extends Base {
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.call("DELETE", "/repositories/" + name, null);
    }

    @Override
    String text(JsonNode answer) {
      return "deleted repository " + name;
    }
  }

  @Command(name = "grant-user", mixinStandardHelpOptions = true, description = "Give a user a level on a repository.")
  static final class ReposGrantUser extends Base {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", paramLabel = "USER")
    String user;

    @Option(names = "--level", required = true, description = "read, read-write or admin.")
    String level;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.call("PUT", "/repositories/" + name + "/users/" + user, body().put("level", level));
    }

    @Override
    String text(JsonNode answer) {
      return user + " has " + answer.path("level").asText() + " on " + name;
    }
  }
}
