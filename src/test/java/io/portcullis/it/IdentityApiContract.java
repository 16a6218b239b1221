package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The identity REST API end to end on a running registry: the {@code hub} staging organization readable
 * only by {@code content-admins}, the public {@code official} organization with a promoter robot, personal
 * access tokens, the problem answers (400/401/403/404/409), private repositories looking absent to
 * strangers on every endpoint, the CLI, and the OpenAPI document against the server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class IdentityApiContract {
  static final String PASSWORD = "correct-horse-battery";
  static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");

  TestRegistry registry;
  RegistryClient http;

  abstract TestRegistry.Backend backend();

  @BeforeAll
  void start() throws Exception {
    registry = TestRegistry.start(backend());
    http = new RegistryClient(registry.baseUrl(), null, null);
    for (String user : List.of("carol", "dave", "erin", "frank")) {
      assertThat(admin("POST", "/users", "{\"name\":\"" + user + "\",\"password\":\"" + PASSWORD + "\"}").statusCode())
          .isEqualTo(201);
    }
    // hub: staging, private, readable only by content-admins (and frank's read-only viewers team).
    expect(201, admin("POST", "/orgs", "{\"name\":\"hub\",\"description\":\"Docker Hub mirrors\"}"));
    expect(201, admin("POST", "/orgs/hub/teams", "{\"name\":\"content-admins\"}"));
    expect(201, admin("POST", "/orgs/hub/teams", "{\"name\":\"viewers\"}"));
    expect(200, admin("PUT", "/orgs/hub/teams/content-admins/members/carol", "{\"role\":\"admin\"}"));
    expect(200, admin("PUT", "/orgs/hub/teams/content-admins/members/dave", null));
    expect(200, admin("PUT", "/orgs/hub/teams/viewers/members/frank", null));
    expect(200, admin("PUT", "/orgs/hub/teams/content-admins/permissions/hub/alpine", "{\"level\":\"admin\"}"));
    expect(200, admin("PUT", "/orgs/hub/teams/viewers/permissions/hub/alpine", "{\"level\":\"read\"}"));
    expect(201, as("carol", "POST", "/repositories", "{\"name\":\"hub/alpine\",\"description\":\"staging\"}"));
    // official: public repositories administered by carol.
    expect(201, admin("POST", "/orgs", "{\"name\":\"official\"}"));
    expect(200, admin("PUT", "/orgs/official/admins/carol", null));
    expect(201, as("carol", "POST", "/repositories", "{\"name\":\"official/alpine\",\"visibility\":\"public\"}"));
  }

  @AfterAll
  void stop() throws Exception {
    registry.close();
  }

  // ---- requests

  static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  HttpResponse<byte[]> request(String authorization, String method, String path, String body) throws Exception {
    return http.api(authorization, method, path, body);
  }

  HttpResponse<byte[]> admin(String method, String path, String body) throws Exception {
    return request(basic(TestRegistry.ADMIN, TestRegistry.ADMIN_PASSWORD), method, path, body);
  }

  HttpResponse<byte[]> as(String user, String method, String path, String body) throws Exception {
    return request(basic(user, PASSWORD), method, path, body);
  }

  HttpResponse<byte[]> anonymous(String method, String path) throws Exception {
    return request(null, method, path, null);
  }

  static JsonNode expect(int status, HttpResponse<byte[]> response) throws Exception {
    String body = new String(response.body(), StandardCharsets.UTF_8);
    assertThat(response.statusCode()).as(response.request().method() + " " + response.uri() + " -> " + body)
        .isEqualTo(status);
    return body.isEmpty() ? RegistryClient.JSON.createObjectNode() : RegistryClient.JSON.readTree(body);
  }

  /** A problem+json answer with this status whose detail contains {@code detail}. */
  static JsonNode problem(int status, String detail, HttpResponse<byte[]> response) throws Exception {
    JsonNode problem = expect(status, response);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(problem.get("status").asInt()).isEqualTo(status);
    assertThat(problem.get("detail").asText()).contains(detail);
    return problem;
  }

  static List<String> names(JsonNode list, String field) {
    List<String> names = new ArrayList<>();
    list.get("items").forEach(item -> names.add(item.get(field).asText()));
    return names;
  }

  // ---- tests

  @Test
  void organizationsTeamsAndPermissionsAreManagedAndListed() throws Exception {
    JsonNode created = expect(201, admin("POST", "/orgs", "{\"name\":\"acme\",\"description\":\"ACME\"}"));
    assertThat(created.get("name").asText()).isEqualTo("acme");
    HttpResponse<byte[]> team = admin("POST", "/orgs/acme/teams", "{\"name\":\"builders\",\"description\":\"CI\"}");
    expect(201, team);
    assertThat(team.headers().firstValue("Location")).hasValue("/api/v1/orgs/acme/teams/builders");
    expect(200, admin("PATCH", "/orgs/acme/teams/builders", "{\"description\":\"build farm\"}"));
    assertThat(expect(200, admin("GET", "/orgs/acme/teams/builders", null)).get("description").asText())
        .isEqualTo("build farm");
    expect(200, admin("PUT", "/orgs/acme/teams/builders/members/dave", "{\"role\":\"admin\"}"));
    assertThat(expect(200, as("dave", "GET", "/orgs/acme/teams/builders/members", null)).toString())
        .contains("\"username\":\"dave\"", "\"role\":\"admin\"");
    problem(404, "organization 'acme' not found", as("erin", "GET", "/orgs/acme/teams/builders/members", null));
    // dave, a team admin, manages members but not permissions.
    expect(200, as("dave", "PUT", "/orgs/acme/teams/builders/members/erin", null));
    problem(403, "only administrators of organization 'acme'",
        as("dave", "PUT", "/orgs/acme/teams/builders/permissions/acme/app", "{\"level\":\"read-write\"}"));
    JsonNode permission = expect(200, admin("PUT", "/orgs/acme/teams/builders/permissions/acme/tools/app",
        "{\"level\":\"read-write\"}"));
    assertThat(permission.get("repository").asText()).isEqualTo("acme/tools/app");
    assertThat(names(expect(200, as("dave", "GET", "/orgs/acme/teams/builders/permissions", null)), "repository"))
        .containsExactly("acme/tools/app");
    // read-write on a name lets the team create it; the admins manage it.
    expect(201, as("erin", "POST", "/repositories", "{\"name\":\"acme/tools/app\"}"));
    problem(403, "may not manage", as("erin", "GET", "/repositories/acme/tools/app/teams", null));
    assertThat(names(expect(200, admin("GET", "/repositories/acme/tools/app/teams", null)), "team"))
        .containsExactly("builders");
    expect(204, admin("DELETE", "/orgs/acme/teams/builders/permissions/acme/tools/app", null));
    problem(404, "not found", as("erin", "GET", "/repositories/acme/tools/app", null));
    expect(204, admin("DELETE", "/orgs/acme/teams/builders/members/erin", null));
    problem(404, "member of acme/builders", admin("DELETE", "/orgs/acme/teams/builders/members/erin", null));
    expect(200, admin("PUT", "/orgs/acme/admins/erin", null));
    assertThat(names(expect(200, as("dave", "GET", "/orgs/acme/admins", null)), "username")).containsExactly("erin");
    expect(200, as("dave", "GET", "/orgs/acme/admins/erin", null));
    problem(404, "admin of acme", as("dave", "GET", "/orgs/acme/admins/dave", null));
    // group mappings are for system administrators
    expect(200, admin("PUT", "/orgs/acme/teams/builders/groups/cn=builders,ou=groups", null));
    assertThat(expect(200, admin("GET", "/orgs/acme/teams/builders/groups/CN=Builders,ou=groups", null))
        .get("team").asText()).isEqualTo("builders");
    problem(403, "system administrators", as("erin", "GET", "/orgs/acme/teams/builders/groups", null));
    expect(204, admin("DELETE", "/orgs/acme/teams/builders/groups/cn=builders,ou=groups", null));
    // the organization still holds a repository
    problem(409, "still has repositories", admin("DELETE", "/orgs/acme", null));
    expect(204, as("erin", "DELETE", "/repositories/acme/tools/app", null));
    expect(204, admin("DELETE", "/orgs/acme/teams/builders", null));
    expect(204, admin("DELETE", "/orgs/acme", null));
    problem(404, "organization 'acme' not found", admin("GET", "/orgs/acme", null));
  }

  @Test
  void badInputAndConflictsAreProblems() throws Exception {
    problem(400, "invalid organization name", admin("POST", "/orgs", "{\"name\":\"Not Valid\"}"));
    problem(409, "already exists", admin("POST", "/orgs", "{\"name\":\"hub\"}"));
    problem(409, "already exists", admin("POST", "/users", "{\"name\":\"hub\",\"password\":\"" + PASSWORD + "\"}"));
    problem(400, "unknown field 'nmae'", admin("POST", "/orgs", "{\"nmae\":\"x\"}"));
    problem(400, "not valid JSON", admin("POST", "/orgs", "{"));
    problem(400, "field 'name' is required", admin("POST", "/orgs/hub/teams", "{}"));
    problem(400, "unknown permission level 'write'",
        admin("PUT", "/orgs/hub/teams/viewers/permissions/hub/alpine", "{\"level\":\"write\"}"));
    problem(400, "not in namespace 'hub'",
        admin("PUT", "/orgs/hub/teams/viewers/permissions/official/alpine", "{\"level\":\"read\"}"));
    problem(400, "password", admin("POST", "/users", "{\"name\":\"shorty\",\"password\":\"short\"}"));
    problem(409, "already exists", as("carol", "POST", "/repositories", "{\"name\":\"official/alpine\"}"));
    problem(400, "limit must be an integer", admin("GET", "/users?limit=0", null));
    problem(405, "not supported", admin("PUT", "/orgs", null));
    problem(404, "no API resource", admin("GET", "/nothing/here", null));
    problem(401, "not valid", request(basic("carol", "wrong-password-123"), "GET", "/user", null));
    problem(401, "not valid", request(basic("nobody", PASSWORD), "GET", "/user", null));
    HttpResponse<byte[]> anonymous = anonymous("GET", "/users");
    problem(401, "sign in", anonymous);
    assertThat(anonymous.headers().firstValue("WWW-Authenticate")).as("no Basic challenge: browsers would cache credentials").isEmpty();
    problem(403, "only system administrators", as("erin", "POST", "/orgs", "{\"name\":\"mine\"}"));
    problem(403, "may not create repository", as("erin", "POST", "/repositories", "{\"name\":\"hub/sneaky\"}"));
  }

  @Test
  void privateRepositoriesLookAbsentToStrangersEverywhere() throws Exception {
    for (String user : List.of("erin", "")) {
      for (String[] call : new String[][] {
          {"GET", "/repositories/%s"}, {"PATCH", "/repositories/%s"}, {"DELETE", "/repositories/%s"},
          {"GET", "/repositories/%s/users"}, {"GET", "/repositories/%s/users/dave"},
          {"PUT", "/repositories/%s/users/erin"}, {"DELETE", "/repositories/%s/users/dave"},
          {"GET", "/repositories/%s/teams"}, {"GET", "/repositories/%s/manifests/latest/scan"}}) {
        String body = call[0].equals("PUT") ? "{\"level\":\"admin\"}" : call[0].equals("PATCH")
            ? "{\"visibility\":\"public\"}" : null;
        String auth = user.isEmpty() ? null : basic(user, PASSWORD);
        HttpResponse<byte[]> hidden = request(auth, call[0], String.format(call[1], "hub/alpine"), body);
        HttpResponse<byte[]> absent = request(auth, call[0], String.format(call[1], "hub/absent"), body);
        if (user.isEmpty() && absent.statusCode() == 401) {
          // Anonymous callers are asked to sign in the same way for both.
          assertThat(hidden.statusCode()).as(call[0] + " " + call[1]).isEqualTo(401);
          continue;
        }
        problem(404, "not found", hidden);
        problem(404, "not found", absent);
        assertThat(expect(404, hidden).get("title")).isEqualTo(expect(404, absent).get("title"));
      }
    }
    assertThat(names(expect(200, as("erin", "GET", "/repositories", null)), "name"))
        .contains("official/alpine").doesNotContain("hub/alpine");
    assertThat(names(expect(200, anonymous("GET", "/repositories")), "name"))
        .contains("official/alpine").doesNotContain("hub/alpine");
    assertThat(expect(200, anonymous("GET", "/repositories/official/alpine")).get("visibility").asText())
        .isEqualTo("public");
    // Members see it; readers see it but may not manage or delete it.
    assertThat(names(expect(200, as("dave", "GET", "/repositories?q=ALP", null)), "name")).contains("hub/alpine");
    expect(200, as("frank", "GET", "/repositories/hub/alpine", null));
    problem(403, "may not manage", as("frank", "PATCH", "/repositories/hub/alpine", "{\"visibility\":\"public\"}"));
    problem(403, "may not delete", as("frank", "DELETE", "/repositories/hub/alpine", null));
    // carol (team admin level) manages user access; the grant makes it visible to erin.
    expect(200, as("carol", "PUT", "/repositories/hub/alpine/users/erin", "{\"level\":\"read\"}"));
    expect(200, as("erin", "GET", "/repositories/hub/alpine", null));
    assertThat(names(expect(200, as("carol", "GET", "/repositories/hub/alpine/users", null)), "username"))
        .containsExactly("erin");
    expect(204, as("carol", "DELETE", "/repositories/hub/alpine/users/erin", null));
    problem(404, "not found", as("erin", "GET", "/repositories/hub/alpine", null));
  }

  @Test
  void plainUsersSeeNeitherOtherUsersAccountsNorOrganizationsTheyAreOutside() throws Exception {
    // carol has signed in (setup), so her account has a last login to leak; erin is in no team.
    assertThat(expect(200, admin("GET", "/users/carol", null)).get("lastLoginAt").isNull()).isFalse();
    JsonNode users = expect(200, as("erin", "GET", "/users", null));
    assertThat(names(users, "name")).contains("carol", "erin");
    for (JsonNode user : users.get("items")) {
      boolean self = user.get("name").asText().equals("erin");
      for (String field : List.of("systemAdmin", "lastLoginAt", "email", "disabled", "source")) {
        assertThat(user.has(field)).as(user.get("name") + " " + field).isEqualTo(self);
      }
    }
    JsonNode carol = expect(200, as("erin", "GET", "/users/carol", null));
    assertThat(carol.properties()).extracting(Map.Entry::getKey).containsExactlyInAnyOrder("name", "displayName");
    assertThat(expect(200, as("erin", "GET", "/users/erin", null)).has("lastLoginAt")).isTrue();
    assertThat(expect(200, admin("GET", "/users", null)).get("items")).allMatch(user -> user.has("systemAdmin"));

    assertThat(names(expect(200, as("erin", "GET", "/orgs", null)), "name")).doesNotContain("hub", "official");
    assertThat(names(expect(200, as("frank", "GET", "/orgs", null)), "name")).contains("hub").doesNotContain("official");
    assertThat(names(expect(200, as("carol", "GET", "/orgs", null)), "name")).contains("hub", "official");
    assertThat(names(expect(200, admin("GET", "/orgs", null)), "name")).contains("hub", "official");
    for (String path : List.of("/orgs/%s", "/orgs/%s/admins", "/orgs/%s/teams", "/orgs/%s/teams/viewers",
        "/orgs/%s/teams/viewers/members")) {
      JsonNode hidden = problem(404, "organization 'hub' not found", as("erin", "GET", String.format(path, "hub"), null));
      JsonNode absent = problem(404, "not found", as("erin", "GET", String.format(path, "nohub"), null));
      assertThat(hidden.get("title")).isEqualTo(absent.get("title"));
      expect(200, as("frank", "GET", String.format(path, "hub"), null));
    }
    problem(401, "sign in", anonymous("GET", "/orgs"));
  }

  @Test
  void aRefusedRepositoryPatchChangesNoField() throws Exception {
    String path = "/repositories/official/atomic";
    expect(201, as("carol", "POST", "/repositories", "{\"name\":\"official/atomic\",\"description\":\"before\"}"));
    problem(400, "unknown visibility 'secret'", as("carol", "PATCH", path,
        "{\"description\":\"after\",\"visibility\":\"secret\"}"));
    problem(400, "control characters", as("carol", "PATCH", path,
        "{\"visibility\":\"public\",\"description\":\"bad\\u0000\"}"));
    problem(400, "longer than", as("carol", "PATCH", path,
        "{\"visibility\":\"public\",\"description\":\"" + "x".repeat(5000) + "\"}"));
    JsonNode unchanged = expect(200, as("carol", "GET", path, null));
    assertThat(unchanged.get("visibility").asText()).isEqualTo("private");
    assertThat(unchanged.get("description").asText()).isEqualTo("before");

    JsonNode both = expect(200, as("carol", "PATCH", path, "{\"visibility\":\"public\",\"description\":\"after\"}"));
    assertThat(both.get("visibility").asText()).isEqualTo("public");
    assertThat(both.get("description").asText()).isEqualTo("after");
    JsonNode cleared = expect(200, as("carol", "PATCH", path, "{\"description\":null}"));
    assertThat(cleared.get("description").isNull()).isTrue();
    assertThat(cleared.get("visibility").asText()).as("fields not given stay").isEqualTo("public");
    expect(204, as("carol", "DELETE", path, null));
  }

  @Test
  void robotsPushWithinTheirGrantsAndRotationRevokesTheOldSecret() throws Exception {
    HttpResponse<byte[]> created = as("carol", "POST", "/orgs/official/robots",
        "{\"name\":\"promoter\",\"description\":\"promotion jobs\"}");
    JsonNode robot = expect(201, created);
    assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/robots/official+promoter");
    String secret = robot.get("secret").asText();
    assertThat(secret).isNotBlank();
    problem(409, "already exists", as("carol", "POST", "/orgs/official/robots", "{\"name\":\"promoter\"}"));
    problem(403, "only administrators of organization 'official'",
        as("dave", "POST", "/orgs/official/robots", "{\"name\":\"mine\"}"));
    expect(200, as("carol", "PUT", "/robots/official+promoter/grants/official/alpine",
        "{\"actions\":[\"pull\",\"push\"]}"));
    problem(400, "not in namespace", as("carol", "PUT", "/robots/official+promoter/grants/hub/alpine",
        "{\"actions\":[\"pull\"]}"));
    problem(400, "pull, push and delete only", as("carol", "PUT", "/robots/official+promoter/grants/official/alpine",
        "{\"actions\":[\"*\"]}"));
    problem(400, "unknown action", as("carol", "PUT", "/robots/official+promoter/grants/official/alpine",
        "{\"actions\":[\"fly\"]}"));
    JsonNode described = expect(200, as("carol", "GET", "/robots/official+promoter", null));
    assertThat(described.get("grants").get(0).get("actions").toString()).isEqualTo("[\"pull\",\"push\"]");
    assertThat(described.has("secret")).isFalse();
    assertThat(names(expect(200, as("carol", "GET", "/orgs/official/robots", null)), "name"))
        .containsExactly("official+promoter");

    RegistryClient promoter = new RegistryClient(registry.baseUrl(), "official+promoter", secret);
    promoter.pushImage("official/alpine", "v1", "layer".getBytes(StandardCharsets.UTF_8));
    JsonNode rotated = expect(200, as("carol", "POST", "/robots/official+promoter/rotate", null));
    assertThat(rotated.get("secret").asText()).isNotEqualTo(secret);
    problem(401, "not valid", request(basic("official+promoter", secret), "GET", "/repositories", null));
    expect(200, request(basic("official+promoter", rotated.get("secret").asText()), "GET", "/repositories", null));
    expect(204, as("carol", "DELETE", "/robots/official+promoter/grants/official/alpine", null));
    expect(204, as("carol", "DELETE", "/robots/official+promoter", null));
    problem(404, "robot 'official+promoter' not found", as("carol", "GET", "/robots/official+promoter", null));
  }

  @Test
  void personalAccessTokensAreShownOnceWorkAsPasswordsAndCanBeRevoked() throws Exception {
    HttpResponse<byte[]> created = as("erin", "POST", "/users/erin/tokens",
        "{\"name\":\"ci\",\"scope\":\"read\",\"expiresAt\":\"2999-01-01T00:00:00Z\"}");
    JsonNode token = expect(201, created);
    String id = token.get("id").asText();
    assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/users/erin/tokens/" + id);
    assertThat(token.get("token").asText()).startsWith("pcl_" + id + "_");
    assertThat(expect(200, request(basic("erin", token.get("token").asText()), "GET", "/user", null))
        .get("name").asText()).isEqualTo("erin");
    JsonNode listed = expect(200, as("erin", "GET", "/users/erin/tokens", null));
    assertThat(listed.toString()).contains(id).doesNotContain(token.get("token").asText());
    assertThat(expect(200, as("erin", "GET", "/users/erin/tokens/" + id, null)).get("scope").asText()).isEqualTo("read");
    problem(403, "for themselves only", as("dave", "POST", "/users/erin/tokens", "{\"name\":\"steal\"}"));
    problem(403, "only the owner", as("dave", "GET", "/users/erin/tokens", null));
    problem(400, "not in the future", as("erin", "POST", "/users/erin/tokens",
        "{\"name\":\"old\",\"expiresAt\":\"2001-01-01T00:00:00Z\"}"));
    problem(400, "RFC 3339", as("erin", "POST", "/users/erin/tokens", "{\"name\":\"x\",\"expiresAt\":\"tomorrow\"}"));
    // a read token may not manage anything, not even more tokens
    problem(403, "", request(basic("erin", token.get("token").asText()), "POST", "/users/erin/tokens",
        "{\"name\":\"more\"}"));
    expect(204, as("erin", "DELETE", "/users/erin/tokens/" + id, null));
    problem(401, "not valid", request(basic("erin", token.get("token").asText()), "GET", "/user", null));
    assertThat(expect(200, as("erin", "GET", "/users/erin/tokens/" + id, null)).get("revokedAt").isNull()).isFalse();
    problem(404, "token 'nope' not found", as("erin", "DELETE", "/users/erin/tokens/nope", null));
  }

  @Test
  void theBootstrapAdministratorCreatesAndUsesItsOwnPersonalAccessToken() throws Exception {
    String admin = TestRegistry.ADMIN;
    JsonNode token = expect(201, admin("POST", "/users/" + admin + "/tokens",
        "{\"name\":\"automation\",\"scope\":\"read-write\"}"));
    String secret = token.get("token").asText();
    String viaToken = basic(admin, secret);
    JsonNode me = expect(200, request(viaToken, "GET", "/user", null));
    assertThat(me.get("name").asText()).isEqualTo(admin);
    assertThat(me.get("systemAdmin").asBoolean()).isTrue();
    assertThat(expect(200, request(viaToken, "GET", "/users/carol", null)).has("lastLoginAt"))
        .as("an administrator's view").isTrue();
    expect(201, request(viaToken, "POST", "/orgs", "{\"name\":\"automated\"}"));
    expect(204, request(viaToken, "DELETE", "/orgs/automated", null));
    RegistryClient registryViaToken = new RegistryClient(registry.baseUrl(), admin, secret);
    registryViaToken.pushImage("official/automated", "v1", "by token".getBytes(StandardCharsets.UTF_8));
    assertThat(names(expect(200, admin("GET", "/users/" + admin + "/tokens", null)), "id"))
        .contains(token.get("id").asText());
    problem(400, "bootstrap administrator", admin("PUT", "/users/" + admin + "/password",
        "{\"password\":\"a-password-nobody-checks\"}"));

    expect(204, admin("DELETE", "/users/" + admin + "/tokens/" + token.get("id").asText(), null));
    problem(401, "not valid", request(viaToken, "GET", "/user", null));
    assertThat(registryViaToken.send("GET", "/v2/", RegistryClient.push("official/automated"), null).statusCode())
        .as("a registry token issued from the revoked token").isEqualTo(401);
    expect(200, admin("GET", "/user", null));
    expect(204, admin("DELETE", "/repositories/official/automated", null));
  }

  @Test
  void usersArePagedUpdatedAndDisabled() throws Exception {
    JsonNode first = expect(200, admin("GET", "/users?limit=2", null));
    List<String> firstNames = names(first, "name");
    // The bootstrap administrator is listed too once its first token gave it a users row.
    assertThat(firstNames).hasSize(2).isSorted();
    assertThat(firstNames.getFirst()).isLessThanOrEqualTo("carol");
    String next = first.get("next").asText();
    assertThat(next).isEqualTo("/api/v1/users?limit=2&after=" + firstNames.get(1));
    JsonNode second = expect(200, admin("GET", next.substring("/api/v1".length()), null));
    assertThat(names(second, "name")).hasSize(2).isSorted().doesNotContainAnyElementsOf(firstNames)
        .allMatch(name -> name.compareTo(firstNames.get(1)) > 0);
    assertThat(expect(200, as("dave", "GET", "/user", null)).get("name").asText()).isEqualTo("dave");
    assertThat(expect(200, admin("GET", "/user", null)).get("systemAdmin").asBoolean()).isTrue();

    expect(201, admin("POST", "/users", "{\"name\":\"gina\",\"password\":\"" + PASSWORD + "\",\"email\":\"g@x.org\"}"));
    JsonNode patched = expect(200, as("gina", "PATCH", "/users/gina", "{\"displayName\":\"Gina G\"}"));
    assertThat(patched.get("displayName").asText()).isEqualTo("Gina G");
    assertThat(patched.get("email").asText()).as("fields not given stay").isEqualTo("g@x.org");
    problem(403, "only system administrators", as("gina", "PATCH", "/users/gina", "{\"systemAdmin\":true}"));
    problem(403, "only system administrators", as("gina", "PATCH", "/users/gina",
        "{\"displayName\":\"Half Done\",\"systemAdmin\":true}"));
    assertThat(expect(200, as("gina", "GET", "/users/gina", null)).get("displayName").asText())
        .as("a refused PATCH changes nothing").isEqualTo("Gina G");
    problem(400, "must be true or false", admin("PATCH", "/users/gina", "{\"systemAdmin\":\"yes\"}"));
    expect(204, as("gina", "PUT", "/users/gina/password",
        "{\"currentPassword\":\"" + PASSWORD + "\",\"password\":\"another-long-password\"}"));
    expect(200, request(basic("gina", "another-long-password"), "GET", "/user", null));
    expect(204, admin("DELETE", "/users/gina", null));
    assertThat(expect(200, admin("GET", "/users/gina", null)).get("disabled").asBoolean()).isTrue();
    problem(401, "not valid", request(basic("gina", "another-long-password"), "GET", "/user", null));
    problem(404, "user 'ghost' not found", admin("GET", "/users/ghost", null));
  }

  @Test
  void registryTokensAndPersonalAccessTokensCannotTakeAnAccountOver() throws Exception {
    expect(201, admin("POST", "/users", "{\"name\":\"hank\",\"password\":\"" + PASSWORD + "\"}"));
    String registryToken = new RegistryClient(registry.baseUrl(), "hank", PASSWORD).token("repository:hank/app:pull,push");
    problem(401, "not valid", request("Bearer " + registryToken, "POST", "/users/hank/tokens", "{\"name\":\"minted\"}"));
    problem(401, "not valid", request("Bearer " + registryToken, "PUT", "/users/hank/password",
        "{\"currentPassword\":\"" + PASSWORD + "\",\"password\":\"taken-over-account\"}"));

    JsonNode pat = expect(201, as("hank", "POST", "/users/hank/tokens", "{\"name\":\"ci\",\"scope\":\"read-write\"}"));
    String secret = pat.get("token").asText();
    problem(403, "not with a token", request(basic("hank", secret), "PUT", "/users/hank/password",
        "{\"currentPassword\":\"" + PASSWORD + "\",\"password\":\"taken-over-account\"}"));
    problem(403, "current password", as("hank", "PUT", "/users/hank/password", "{\"password\":\"no-current-given\"}"));

    RegistryClient viaToken = new RegistryClient(registry.baseUrl(), "hank", secret);
    assertThat(viaToken.send("GET", "/v2/", "repository:hank/app:pull", null).statusCode()).isEqualTo(200);
    expect(204, as("hank", "DELETE", "/users/hank/tokens/" + pat.get("id").asText(), null));
    assertThat(viaToken.send("GET", "/v2/", "repository:hank/app:pull", null).statusCode())
        .as("a registry token issued from a revoked personal access token").isEqualTo(401);
    expect(200, as("hank", "GET", "/user", null));
  }

  @Test
  void restRefusesCrossSiteBodiesAndNeverChallengesBrowsers() throws Exception {
    HttpResponse<byte[]> plain = http.send("POST", "/api/v1/orgs", null, "{\"name\":\"csrf\"}".getBytes(StandardCharsets.UTF_8),
        "Authorization", basic(TestRegistry.ADMIN, TestRegistry.ADMIN_PASSWORD), "Content-Type", "text/plain");
    problem(415, "application/json", plain);
    HttpResponse<byte[]> form = http.send("POST", "/api/v1/orgs", null, "name=csrf".getBytes(StandardCharsets.UTF_8),
        "Authorization", basic(TestRegistry.ADMIN, TestRegistry.ADMIN_PASSWORD),
        "Content-Type", "application/x-www-form-urlencoded");
    problem(415, "application/json", form);
    problem(404, "not found", admin("GET", "/orgs/csrf", null));
    HttpResponse<byte[]> unauthenticated = anonymous("GET", "/users");
    assertThat(unauthenticated.statusCode()).isEqualTo(401);
    assertThat(unauthenticated.headers().firstValue("WWW-Authenticate")).isEmpty();
  }

  @Test
  void deletingARepositoryRemovesItsContentAndPermissions() throws Exception {
    expect(201, admin("POST", "/orgs", "{\"name\":\"scratch\"}"));
    expect(201, admin("POST", "/orgs/scratch/teams", "{\"name\":\"devs\"}"));
    expect(200, admin("PUT", "/orgs/scratch/teams/devs/members/dave", null));
    expect(200, admin("PUT", "/orgs/scratch/teams/devs/permissions/scratch/app", "{\"level\":\"read\"}"));
    registry.admin().pushImage("scratch/app", "v1", "content".getBytes(StandardCharsets.UTF_8));
    expect(200, as("dave", "GET", "/repositories/scratch/app", null));
    problem(403, "may not delete", as("dave", "DELETE", "/repositories/scratch/app", null));

    expect(204, admin("DELETE", "/repositories/scratch/app", null));
    problem(404, "not found", admin("GET", "/repositories/scratch/app", null));
    assertThat(expect(200, admin("GET", "/orgs/scratch/teams/devs/permissions", null)).get("items")).isEmpty();
    HttpResponse<byte[]> manifest = registry.admin().send("GET", "/v2/scratch/app/manifests/v1",
        "repository:scratch/app:pull", null);
    assertThat(manifest.statusCode()).isEqualTo(404);
    assertThat(expect(200, admin("GET", "/audit?repository=scratch/app&action=repository.deleted", null)).get("items"))
        .as("recorded in the deletion's own transaction").hasSize(1);
    problem(404, "not found", admin("DELETE", "/repositories/scratch/app", null));
    expect(204, admin("DELETE", "/orgs/scratch", null));
  }

  @Test
  void identityChangesAreAuditedWithActorAndRequestIdAndSearchable() throws Exception {
    HttpResponse<byte[]> created = admin("POST", "/users", "{\"name\":\"hilda\",\"password\":\"" + PASSWORD + "\"}");
    expect(201, created);
    String requestId = created.headers().firstValue("X-Request-Id").orElseThrow();
    expect(201, as("hilda", "POST", "/users/hilda/tokens", "{\"name\":\"laptop\"}"));

    JsonNode userCreated = expect(200, admin("GET", "/audit?action=user.created&actor=" + TestRegistry.ADMIN, null));
    JsonNode entry = java.util.stream.StreamSupport.stream(userCreated.get("items").spliterator(), false)
        .filter(e -> e.get("target").asText().equals("user hilda")).findFirst().orElseThrow();
    assertThat(entry.get("requestId").asText()).isEqualTo(requestId);
    assertThat(entry.get("client").asText()).isEqualTo("127.0.0.1");
    JsonNode token = expect(200, admin("GET", "/audit?actor=hilda", null)).get("items").get(0);
    assertThat(token.get("action").asText()).isEqualTo("token.created");
    assertThat(token.get("detail").get("owner").asText()).isEqualTo("hilda");
    assertThat(token.toString()).doesNotContain("pcl_");

    String now = java.time.Instant.now().plusSeconds(60).toString();
    assertThat(expect(200, admin("GET", "/audit?actor=hilda&since=" + now, null)).get("items")).isEmpty();
    assertThat(expect(200, admin("GET", "/audit?actor=hilda&until=" + now, null)).get("items")).isNotEmpty();
    assertThat(expect(200, admin("GET", "/audit?actor=hilda&until=2000-01-01T00:00:00Z", null)).get("items")).isEmpty();
    problem(400, "unknown query parameter 'who'", admin("GET", "/audit?who=hilda", null));
    problem(400, "unknown action 'user.invented'", admin("GET", "/audit?action=user.invented", null));
    problem(400, "since must be an RFC 3339 date-time", admin("GET", "/audit?since=yesterday", null));
    problem(403, "administrators only", as("hilda", "GET", "/audit", null));

    Processes.Result cli = cli("audit", "--actor", "hilda", "--action", "token.created");
    assertThat(cli.exitCode()).isZero();
    assertThat(cli.output()).contains("token.created").contains("hilda").contains("127.0.0.1");
    Processes.Result refused = cli("audit", "--action", "nonsense");
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.output()).contains("unknown action 'nonsense'");
  }

  @Test
  void theOpenApiDocumentIsServedAndEveryOperationInItExists() throws Exception {
    HttpResponse<byte[]> yaml = anonymous("GET", "/openapi.yaml");
    assertThat(yaml.statusCode()).isEqualTo(200);
    assertThat(yaml.headers().firstValue("Content-Type")).hasValue("application/yaml");
    assertThat(new String(yaml.body(), StandardCharsets.UTF_8)).startsWith("openapi: 3.1.0");
    JsonNode document = expect(200, anonymous("GET", "/openapi.json"));
    Map<String, String> samples = Map.ofEntries(Map.entry("name", "hub/alpine"), Map.entry("reference", "latest"),
        Map.entry("user", "nobody"), Map.entry("org", "hub"), Map.entry("team", "viewers"),
        Map.entry("robot", "hub+nobody"), Map.entry("repository", "hub/alpine"), Map.entry("group", "cn=nobody"),
        Map.entry("id", "1"), Map.entry("namespace", "hub"), Map.entry("delivery", "1"), Map.entry("run", "1"));
    Pattern variable = Pattern.compile("\\{([a-z]+)}");
    int checked = 0;
    for (Iterator<Map.Entry<String, JsonNode>> paths = document.get("paths").fields(); paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      Matcher m = variable.matcher(path.getKey());
      StringBuilder concrete = new StringBuilder();
      while (m.find()) {
        m.appendReplacement(concrete, Matcher.quoteReplacement(samples.get(m.group(1))));
      }
      m.appendTail(concrete);
      for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
        String method = methods.next();
        if (!METHODS.contains(method)) {
          continue;
        }
        // Anonymous and empty-bodied, so nothing changes: the router must still know the operation.
        HttpResponse<byte[]> response = anonymous(method.toUpperCase(java.util.Locale.ROOT), concrete.toString());
        String answer = new String(response.body(), StandardCharsets.UTF_8);
        assertThat(response.statusCode()).as(method + " " + path.getKey() + " -> " + answer).isNotEqualTo(405);
        assertThat(answer).as(method + " " + path.getKey()).doesNotContain("no API resource");
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(60);
  }

  @Test
  void commandLineManagesOrganizationsTeamsAndRepositories() throws Exception {
    Processes.Result org = cli("orgs", "create", "cliorg", "--description", "from the CLI");
    assertThat(org.output()).as(org.output()).contains("created organization cliorg");
    assertThat(cli("teams", "create", "cliorg", "builders").output()).contains("created team cliorg/builders");
    assertThat(cli("users", "create", "cliuser", "--password", PASSWORD).output()).contains("created user cliuser");
    assertThat(cli("teams", "add-member", "cliorg", "builders", "cliuser", "--role", "admin").output())
        .contains("cliuser is admin of cliorg/builders");
    assertThat(cli("teams", "grant", "cliorg", "builders", "cliorg/app", "--level", "read-write").output())
        .contains("has read-write on cliorg/app");
    assertThat(cli("repos", "create", "cliorg/app", "--visibility", "public").output()).contains("cliorg/app");
    Processes.Result listed = cli("repos", "list", "--query", "cliorg", "--output", "json");
    assertThat(listed.exitCode()).as(listed.output()).isZero();
    JsonNode repos = RegistryClient.JSON.readTree(listed.output());
    assertThat(repos.get(0).get("name").asText()).isEqualTo("cliorg/app");
    assertThat(repos.get(0).get("visibility").asText()).isEqualTo("public");
    Processes.Result robot = cli("robots", "create", "cliorg", "ci", "--output", "json");
    assertThat(((ObjectNode) RegistryClient.JSON.readTree(robot.output())).get("secret").asText()).isNotBlank();
    assertThat(cli("robots", "grant", "cliorg+ci", "cliorg/app", "--actions", "pull,push").output())
        .contains("cliorg+ci may pull,push on cliorg/app");
    Processes.Result users = cli("users", "list", "--output", "json");
    assertThat(users.output()).contains("\"cliuser\"");
    Processes.Result duplicate = cli("orgs", "create", "cliorg");
    assertThat(duplicate.exitCode()).isEqualTo(1);
    assertThat(duplicate.output()).contains("organization 'cliorg' already exists (HTTP 409)");
    assertThat(cli("repos", "delete", "cliorg/app").output()).contains("deleted repository cliorg/app");
    assertThat(cli("robots", "delete", "cliorg+ci").output()).contains("deleted robot cliorg+ci");
    assertThat(cli("orgs", "delete", "cliorg").exitCode()).isZero();
  }

  Processes.Result cli(String... args) throws Exception {
    return registry.cli(args);
  }


}
