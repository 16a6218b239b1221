package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** skopeo and podman, unmodified, against a real server: every fixture image in and back out. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RealClientsContract {
  TestRegistry registry;
  String creds;

  @TempDir
  Path work;

  abstract TestRegistry.Backend backend();

  @BeforeAll
  void start() throws Exception {
    registry = TestRegistry.start(backend());
    creds = TestRegistry.ADMIN + ":" + TestRegistry.ADMIN_PASSWORD;
    assertThat(Processes.available("skopeo")).as("skopeo is installed (bin/test / .ci/run install it)").isTrue();
  }

  @AfterAll
  void stop() throws Exception {
    registry.close();
  }

  List<String> skopeo(String... args) {
    List<String> command = new ArrayList<>(List.of("skopeo", "--insecure-policy"));
    command.addAll(List.of(args));
    return command;
  }

  static List<Path> fixtureImages() throws Exception {
    try (Stream<Path> layouts = Files.list(Processes.shared().resolve("fixtures/images"))) {
      return layouts.filter(p -> Files.exists(p.resolve("index.json"))).sorted().toList();
    }
  }

  static String refName(Path layout) throws Exception {
    JsonNode index = RegistryClient.JSON.readTree(layout.resolve("index.json").toFile());
    return index.get("manifests").get(0).get("annotations").get("org.opencontainers.image.ref.name").asText();
  }

  @Test
  void everyFixtureImageCopiesInAndOutByteForByte() throws Exception {
    List<Path> layouts = fixtureImages();
    assertThat(layouts).isNotEmpty();
    for (Path layout : layouts) {
      String ref = refName(layout);
      String remote = "docker://" + registry.host + "/fixtures/" + layout.getFileName() + ":" + ref;
      Processes.run(skopeo("copy", "--all", "--dest-tls-verify=false", "--dest-creds", creds,
          "oci:" + layout + ":" + ref, remote)).requireSuccess();
      Path out = work.resolve("out-" + layout.getFileName());
      Processes.run(skopeo("copy", "--all", "--src-tls-verify=false", "--src-creds", creds, remote,
          "oci:" + out + ":" + ref)).requireSuccess();
      assertSameContent(layout, out, ref);
      String remoteRaw = Processes.run(skopeo("inspect", "--raw", "--tls-verify=false", "--creds", creds, remote))
          .requireSuccess().output();
      String localRaw = Processes.run(skopeo("inspect", "--raw", "oci:" + layout + ":" + ref)).requireSuccess().output();
      assertThat(remoteRaw).isEqualTo(localRaw);
    }
  }

  /** The copy out holds the same top-level manifest and only blobs identical to the original's. */
  static void assertSameContent(Path original, Path copy, String ref) throws Exception {
    JsonNode originalIndex = RegistryClient.JSON.readTree(original.resolve("index.json").toFile());
    JsonNode copyIndex = RegistryClient.JSON.readTree(copy.resolve("index.json").toFile());
    assertThat(copyIndex.get("manifests").get(0).get("digest").asText())
        .isEqualTo(originalIndex.get("manifests").get(0).get("digest").asText());
    try (Stream<Path> blobs = Files.list(copy.resolve("blobs/sha256"))) {
      for (Path blob : blobs.toList()) {
        byte[] content = Files.readAllBytes(blob);
        assertThat(RegistryClient.sha256(content)).isEqualTo("sha256:" + blob.getFileName());
        assertThat(original.resolve("blobs/sha256").resolve(blob.getFileName())).exists();
      }
    }
  }

  @Test
  void inspectListTagsAndDelete() throws Exception {
    Path layout = Processes.shared().resolve("fixtures/images/clean-tiny");
    String ref = refName(layout);
    String repo = registry.host + "/tidy/clean-tiny";
    for (String tag : List.of("a", "b")) {
      Processes.run(skopeo("copy", "--dest-tls-verify=false", "--dest-creds", creds, "oci:" + layout + ":" + ref,
          "docker://" + repo + ":" + tag)).requireSuccess();
    }
    JsonNode inspected = RegistryClient.JSON.readTree(Processes.run(skopeo("inspect", "--tls-verify=false", "--creds",
        creds, "docker://" + repo + ":a")).requireSuccess().output());
    assertThat(inspected.get("Layers")).hasSize(1);
    assertThat(inspected.get("Os").asText()).isEqualTo("linux");
    JsonNode tags = RegistryClient.JSON.readTree(Processes.run(skopeo("list-tags", "--tls-verify=false", "--creds", creds,
        "docker://" + repo)).requireSuccess().output());
    assertThat(tags.get("Tags").toString()).isEqualTo("[\"a\",\"b\"]");
    Processes.run(skopeo("delete", "--tls-verify=false", "--creds", creds, "docker://" + repo + ":a")).requireSuccess();
    Processes.Result gone = Processes.run(skopeo("inspect", "--tls-verify=false", "--creds", creds, "docker://" + repo + ":b"));
    assertThat(gone.exitCode()).as("deleting by tag through skopeo deletes the manifest, so b goes too").isNotZero();
  }

  @Test
  void randomQuarterGigabyteImageRoundTrips() throws Exception {
    Path layout = randomImage();
    String ref = refName(layout);
    String remote = "docker://" + registry.host + "/bulk/random:" + ref;
    Processes.run(skopeo("copy", "--dest-tls-verify=false", "--dest-creds", creds, "oci:" + layout + ":" + ref, remote))
        .requireSuccess();
    Path out = work.resolve("random-out");
    Processes.run(skopeo("copy", "--src-tls-verify=false", "--src-creds", creds, remote, "oci:" + out + ":" + ref))
        .requireSuccess();
    assertSameContent(layout, out, ref);
    assertThat(RegistryClient.JSON.readTree(out.resolve("index.json").toFile()).get("manifests").get(0).get("digest").asText())
        .isEqualTo("sha256:95fec8e01df801cd9c25133b5ad8edaabd30749518c9bba73c7a3d618754e154");
  }

  @Test
  void podmanLogsInPushesAndPulls() throws Exception {
    assertThat(Processes.available("podman")).as("podman is installed").isTrue();
    Path root = work.resolve("podman");
    List<String> podman = List.of("podman", "--root", root.resolve("root").toString(), "--runroot",
        root.resolve("run").toString(), "--storage-driver", "vfs", "--cgroup-manager", "cgroupfs", "--events-backend", "none");
    String auth = root.resolve("auth.json").toString();
    Path layout = Processes.shared().resolve("fixtures/images/alpine-3.16");
    Processes.run(skopeo("copy", "--dest-tls-verify=false", "--dest-creds", creds, "oci:" + layout + ":" + refName(layout),
        "docker://" + registry.host + "/podman/alpine:src")).requireSuccess();
    Processes.run(concat(podman, "login", "--authfile", auth, "--tls-verify=false", "-u", TestRegistry.ADMIN, "-p",
        TestRegistry.ADMIN_PASSWORD, registry.host)).requireSuccess();
    Processes.run(concat(podman, "pull", "--authfile", auth, "--tls-verify=false", registry.host + "/podman/alpine:src"))
        .requireSuccess();
    Processes.run(concat(podman, "push", "--authfile", auth, "--tls-verify=false", registry.host + "/podman/alpine:src",
        registry.host + "/podman/alpine-copy:pushed")).requireSuccess();
    JsonNode tags = RegistryClient.JSON.readTree(Processes.run(skopeo("list-tags", "--tls-verify=false", "--creds", creds,
        "docker://" + registry.host + "/podman/alpine-copy")).requireSuccess().output());
    assertThat(tags.get("Tags").toString()).isEqualTo("[\"pushed\"]");
    Processes.Result wrong = Processes.run(concat(podman, "login", "--authfile", auth, "--tls-verify=false", "-u", "admin",
        "-p", "not-the-password", registry.host));
    assertThat(wrong.exitCode()).isNotZero();
  }

  /** The 256 MiB image is deterministic; it is generated once per test run and shared by both backends. */
  private static synchronized Path randomImage() throws Exception {
    Path layout = Path.of(System.getProperty("java.io.tmpdir"), "portcullis-it-random-256m");
    if (!Files.exists(layout.resolve("index.json"))) {
      Path partial = Files.createTempDirectory("portcullis-it-random-");
      Processes.run(List.of("python3", Processes.shared().resolve("fixtures/tools/gen_random_image.py").toString(),
          partial.resolve("layout").toString())).requireSuccess();
      Files.move(partial.resolve("layout"), layout, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
    return layout;
  }

  static List<String> concat(List<String> head, String... tail) {
    List<String> all = new ArrayList<>(head);
    all.addAll(List.of(tail));
    return all;
  }
}
