package io.portcullis.identity.servers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Starts the real directory servers of ../shared/scripts for integration tests. The scripts are
 * idempotent (a running server is reused) and install their packages on first run. When one cannot
 * run, the test fails if env CI is set and is skipped otherwise.
 */
public final class SharedServers {
  private SharedServers() {}

  /** OpenLDAP slapd on ldap://127.0.0.1:3389, seeded with alice/bob/carol. */
  public static void startLdap() {
    run("start-ldap.sh");
  }

  /** panva/oidc-provider on http://127.0.0.1:8192 with client registry/registry-secret. */
  public static void startOidc() {
    run("start-oidc.sh");
  }

  private static void run(String script) {
    Path path = sharedDirectory().resolve("scripts").resolve(script);
    String problem;
    try {
      if (!Files.isExecutable(path)) {
        problem = path + " is missing or not executable";
      } else {
        Process process = new ProcessBuilder(path.toString()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
          process.destroyForcibly();
          problem = script + " did not finish within 10 minutes";
        } else if (process.exitValue() != 0) {
          problem = script + " failed with exit code " + process.exitValue() + ":\n"
              + new String(output, StandardCharsets.UTF_8);
        } else {
          return;
        }
      }
    } catch (IOException e) {
      problem = "cannot run " + path + ": " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      problem = "interrupted while running " + script;
    }
    if (System.getenv("CI") != null) {
      throw new IllegalStateException(problem);
    }
    Assumptions.abort(problem);
  }

  /** shared/ beside the project, or -Dportcullis.shared (set by the failsafe configuration). */
  private static Path sharedDirectory() {
    String configured = System.getProperty("portcullis.shared");
    return (configured != null ? Path.of(configured) : Path.of("..", "shared")).toAbsolutePath().normalize();
  }
}
