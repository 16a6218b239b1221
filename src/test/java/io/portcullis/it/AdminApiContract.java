package io.portcullis.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server per test class, driven as the administrator through the REST API: its jobs waited for,
 * vulnerability records zipped for import. What the scanning and policy contracts share.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AdminApiContract {
  TestRegistry registry;
  RegistryClient client;
  String basic;

  @TempDir
  Path work;

  abstract TestRegistry.Backend backend();

  @BeforeAll
  void start() throws Exception {
    registry = TestRegistry.start(backend());
    client = registry.admin();
    basic = "Basic " + Base64.getEncoder().encodeToString((TestRegistry.ADMIN + ":" + TestRegistry.ADMIN_PASSWORD).getBytes());
  }

  @AfterAll
  void stop() throws Exception {
    registry.close();
  }

  HttpResponse<byte[]> api(String method, String path, byte[] body) throws Exception {
    return client.send(method, path, null, body, "Authorization", basic);
  }

  /** The finished job, through the server's long poll: each request answers as soon as the job ends. */
  JsonNode awaitJob(long id) throws Exception {
    for (int i = 0; i < 4; i++) {
      JsonNode job = RegistryClient.json(api("GET", "/api/v1/jobs/" + id + "?wait=30s", null));
      String state = job.get("state").asText();
      if (state.equals("succeeded") || state.equals("failed")) {
        return job;
      }
    }
    throw new AssertionError("job " + id + " did not finish");
  }

  /** Waits until no job is queued or running (a finished job may have queued others, hence the rounds). */
  void awaitIdleJobs() throws Exception {
    for (int round = 0; round < 100; round++) {
      List<Long> active = new ArrayList<>();
      for (String state : List.of("queued", "running")) {
        RegistryClient.json(api("GET", "/api/v1/jobs?state=" + state, null)).get("items")
            .forEach(job -> active.add(job.get("id").asLong()));
      }
      if (active.isEmpty()) {
        return;
      }
      for (long id : active) {
        awaitJob(id);
      }
    }
    throw new AssertionError("jobs did not finish");
  }

  /** Imports the fixture vulnerability records (OSV: Alpine, Debian, GHSA), one source each, and waits for each. */
  void importFixtureDatabase() throws Exception {
    Path vulndb = Processes.shared().resolve("fixtures").resolve("vulndb");
    for (String dir : List.of("alpine/osv", "debian/osv", "ghsa")) {
      HttpResponse<byte[]> accepted = api("POST", "/api/v1/vulnerability-db/imports?format=osv&source=fixtures-"
          + dir.replace('/', '-'), zip(vulndb.resolve(dir)));
      JsonNode job = awaitJob(RegistryClient.json(accepted).get("id").asLong());
      if (accepted.statusCode() != 202 || !job.get("state").asText().equals("succeeded")) {
        throw new AssertionError("import of " + dir + " failed: " + job);
      }
    }
  }

  static byte[] zip(Path directory) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out); Stream<Path> files = Files.walk(directory)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        zip.putNextEntry(new ZipEntry(directory.relativize(file).toString()));
        zip.write(Files.readAllBytes(file));
        zip.closeEntry();
      }
    }
    return out.toByteArray();
  }

}
