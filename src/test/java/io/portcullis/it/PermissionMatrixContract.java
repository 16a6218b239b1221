package io.portcullis.it;

import static io.portcullis.it.AccessWorld.ALICE_REPO;
import static io.portcullis.it.AccessWorld.PRIVATE;
import static io.portcullis.it.AccessWorld.PUBLIC;
import static io.portcullis.it.AccessWorld.TAG;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 3's permission table, enforced against unmodified clients: for every kind of principal and every
 * operation on a private, a public and a user-owned repository, skopeo (and podman for a subset)
 * succeeds exactly where the table says and fails everywhere else, leaving nothing behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PermissionMatrixContract {
  enum Op { PULL, PUSH, DELETE, LIST_TAGS }

  private static final Set<Op> READ = EnumSet.of(Op.PULL, Op.LIST_TAGS);
  private static final Set<Op> WRITE = EnumSet.allOf(Op.class);
  /** How a refusal reads in skopeo's and podman's output; anything else is a failure for another reason. */
  private static final String REFUSED = "(?is).*(unauthori[sz]ed|denied|authentication required).*";

  /** One row of the table: who, with what credentials (null: anonymous), may do what on which repository. */
  record Row(String label, String creds, Map<String, Set<Op>> allowed) {
    Set<Op> on(String repository) {
      return allowed.getOrDefault(repository, Set.of());
    }

    @Override
    public String toString() {
      return label;
    }
  }

  TestRegistry registry;
  AccessWorld world;
  RegistryClient admin;
  List<Row> table;

  @TempDir
  Path work;

  abstract TestRegistry.Backend backend();

  @BeforeAll
  void start() throws Exception {
    assertThat(Processes.available("skopeo")).as("skopeo is installed (bin/test / .ci/run install it)").isTrue();
    registry = TestRegistry.start(backend());
    world = AccessWorld.create(registry);
    admin = registry.admin();
    table = List.of(
        row("anonymous", null, Map.of(PUBLIC, READ)),
        row("stranger", creds("stranger"), Map.of(PUBLIC, READ)),
        row("reader", creds("reader"), Map.of(PRIVATE, READ, PUBLIC, READ)),
        row("writer", creds("writer"), Map.of(PRIVATE, WRITE, PUBLIC, WRITE)),
        row("repoadmin", creds("repoadmin"), Map.of(PRIVATE, WRITE, PUBLIC, WRITE)),
        row("orgadmin", creds("orgadmin"), Map.of(PRIVATE, WRITE, PUBLIC, WRITE)),
        row("owner", creds("alice"), Map.of(ALICE_REPO, WRITE, PUBLIC, READ)),
        row("sysadmin", creds("sysadmin"), Map.of(PRIVATE, WRITE, PUBLIC, WRITE, ALICE_REPO, WRITE)),
        row("robot", AccessWorld.ROBOT + ":" + world.robotSecret,
            Map.of(PRIVATE, EnumSet.of(Op.PULL, Op.PUSH, Op.LIST_TAGS), PUBLIC, READ)),
        row("token-read", "writer:" + world.writerReadToken, Map.of(PRIVATE, READ, PUBLIC, READ)),
        row("token-read-write", "writer:" + world.writerReadWriteToken, Map.of(PRIVATE, WRITE, PUBLIC, WRITE)));
  }

  @AfterAll
  void stop() throws Exception {
    if (registry != null) {
      registry.close();
    }
  }

  private static Row row(String label, String creds, Map<String, Set<Op>> allowed) {
    return new Row(label, creds, allowed);
  }

  private static String creds(String user) {
    return user + ":" + AccessWorld.password(user);
  }

  @TestFactory
  Stream<DynamicTest> skopeoSucceedsExactlyWhereTheTableSays() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Row row : table) {
      for (String repository : List.of(PRIVATE, PUBLIC, ALICE_REPO)) {
        tests.add(DynamicTest.dynamicTest(row + " on " + repository, () -> checkRow(row, repository)));
      }
    }
    return tests.stream();
  }

  private void checkRow(Row row, String repository) throws Exception {
    Set<Op> allowed = row.on(repository);
    String remote = "docker://" + registry.host + "/" + repository;

    Path out = work.resolve("pull-" + row.label() + "-" + repository.replace('/', '-'));
    Processes.Result pull = Skopeo.copyOut(row.creds(), remote + ":" + TAG, out);
    expect(pull, allowed.contains(Op.PULL), "pull");
    if (allowed.contains(Op.PULL)) {
      JsonNode index = RegistryClient.JSON.readTree(out.resolve("index.json").toFile());
      assertThat(index.get("manifests").get(0).get("digest").asText()).isEqualTo(cleanTinyDigest());
    }

    Processes.Result tags = Skopeo.listTags(row.creds(), remote);
    expect(tags, allowed.contains(Op.LIST_TAGS), "list-tags");
    if (allowed.contains(Op.LIST_TAGS)) {
      assertThat(RegistryClient.JSON.readTree(tags.output()).get("Tags").toString()).contains("\"" + TAG + "\"");
    }

    String pushTag = "push-" + row.label();
    Processes.Result push = Skopeo.copyIn(AccessWorld.cleanTiny(), row.creds(), remote + ":" + pushTag);
    expect(push, allowed.contains(Op.PUSH), "push");
    assertThat(tagExists(repository, pushTag)).as("tag %s after the push", pushTag).isEqualTo(allowed.contains(Op.PUSH));

    // skopeo deletes by digest, so each attempt gets an image of its own.
    String deleteTag = "delete-" + row.label();
    admin.pushImage(repository, deleteTag, (repository + " " + deleteTag).getBytes(StandardCharsets.UTF_8));
    Processes.Result delete = Skopeo.delete(row.creds(), remote + ":" + deleteTag);
    expect(delete, allowed.contains(Op.DELETE), "delete");
    assertThat(tagExists(repository, deleteTag)).as("tag %s after the delete", deleteTag)
        .isEqualTo(!allowed.contains(Op.DELETE));
  }

  private static void expect(Processes.Result result, boolean allowed, String operation) {
    if (allowed) {
      assertThat(result.exitCode()).as("%s should succeed:%n%s", operation, result.output()).isZero();
    } else {
      assertThat(result.exitCode()).as("%s should be refused:%n%s", operation, result.output()).isNotZero();
      assertThat(result.output()).as("%s is refused for lack of access", operation).matches(REFUSED);
    }
  }

  private boolean tagExists(String repository, String tag) throws Exception {
    HttpResponse<byte[]> response = admin.send("HEAD", "/v2/" + repository + "/manifests/" + tag,
        "repository:" + repository + ":pull", null, "Accept", "application/vnd.oci.image.manifest.v1+json");
    assertThat(response.statusCode()).isIn(200, 404);
    return response.statusCode() == 200;
  }

  private static String cleanTinyDigest() throws Exception {
    return RegistryClient.JSON.readTree(AccessWorld.cleanTiny().resolve("index.json").toFile())
        .get("manifests").get(0).get("digest").asText();
  }

  @Test
  void catalogListsExactlyTheRepositoriesEachPrincipalMayPull() throws Exception {
    Map<String, List<String>> seen = new LinkedHashMap<>();
    Map<String, List<String>> expected = new LinkedHashMap<>();
    for (Row row : table) {
      if (row.creds() == null) {
        continue;
      }
      int colon = row.creds().indexOf(':');
      RegistryClient client = new RegistryClient(registry.baseUrl(), row.creds().substring(0, colon),
          row.creds().substring(colon + 1));
      HttpResponse<byte[]> catalog = client.send("GET", "/v2/_catalog", "registry:catalog:*", null);
      assertThat(catalog.statusCode()).as("catalog for %s", row).isEqualTo(200);
      List<String> repositories = new ArrayList<>();
      RegistryClient.json(catalog).get("repositories").forEach(r -> repositories.add(r.asText()));
      seen.put(row.label(), repositories.stream().filter(r -> List.of(PRIVATE, PUBLIC, ALICE_REPO).contains(r)).sorted().toList());
      expected.put(row.label(), Stream.of(PRIVATE, PUBLIC, ALICE_REPO).filter(r -> row.on(r).contains(Op.PULL)).sorted().toList());
    }
    assertThat(seen).isEqualTo(expected);
  }

  @Test
  void anonymousClientsGetNoCatalog() throws Exception {
    RegistryClient anonymous = new RegistryClient(registry.baseUrl(), null, null);
    HttpResponse<byte[]> catalog = anonymous.send("GET", "/v2/_catalog", "registry:catalog:*", null);
    assertThat(catalog.statusCode()).isEqualTo(401);
    assertThat(RegistryClient.errorCode(catalog)).isEqualTo("UNAUTHORIZED");
  }

  @Test
  void podmanLogsInPushesAndPullsAsTheTableSays() throws Exception {
    assertThat(Processes.available("podman")).as("podman is installed").isTrue();
    Path root = work.resolve("podman");
    List<String> podman = List.of("podman", "--root", root.resolve("root").toString(), "--runroot",
        root.resolve("run").toString(), "--storage-driver", "vfs", "--cgroup-manager", "cgroupfs", "--events-backend", "none");
    Path layout = AccessWorld.cleanTiny();
    String local = registry.host + "/" + PRIVATE + ":podman";
    String pulled = Processes.run(concat(podman, "pull", "-q", "oci:" + layout + ":" + RealClientsContract.refName(layout)))
        .requireSuccess().output().strip();
    String imageId = pulled.substring(pulled.lastIndexOf('\n') + 1);
    Processes.run(concat(podman, "tag", imageId, local)).requireSuccess();

    record Attempt(String user, String password, boolean mayPush, boolean mayPull) {}
    for (Attempt attempt : List.of(
        new Attempt("writer", AccessWorld.password("writer"), true, true),
        new Attempt("reader", AccessWorld.password("reader"), false, true),
        new Attempt(AccessWorld.ROBOT, world.robotSecret, true, true),
        new Attempt("writer", world.writerReadToken, false, true),
        new Attempt("stranger", AccessWorld.password("stranger"), false, false))) {
      String label = attempt.user().replace('+', '-') + (attempt.password().startsWith("pcl_") ? "-token" : "");
      String authFile = root.resolve("auth-" + label + ".json").toString();
      Processes.run(concat(podman, "login", "--authfile", authFile, "--tls-verify=false", "-u", attempt.user(),
          "-p", attempt.password(), registry.host)).requireSuccess();
      String target = registry.host + "/" + PRIVATE + ":podman-" + label;
      Processes.Result push = Processes.run(concat(podman, "push", "--authfile", authFile, "--tls-verify=false",
          local, "docker://" + target));
      expect(push, attempt.mayPush(), "podman push as " + label);
      assertThat(tagExists(PRIVATE, "podman-" + label)).as("tag after podman push as %s", label)
          .isEqualTo(attempt.mayPush());
      Processes.Result pull = Processes.run(concat(podman, "pull", "--authfile", authFile, "--tls-verify=false",
          registry.host + "/" + PRIVATE + ":" + TAG));
      expect(pull, attempt.mayPull(), "podman pull as " + label);
    }
    Processes.Result wrong = Processes.run(concat(podman, "login", "--authfile", root.resolve("wrong.json").toString(),
        "--tls-verify=false", "-u", "reader", "-p", "not-the-password", registry.host));
    assertThat(wrong.exitCode()).isNotZero();
    assertThat(Files.exists(root.resolve("wrong.json"))).as("a refused login stores nothing").isFalse();
  }

  static List<String> concat(List<String> head, String... tail) {
    return RealClientsContract.concat(head, tail);
  }
}
