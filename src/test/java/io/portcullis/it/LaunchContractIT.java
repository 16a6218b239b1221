package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launch contract as an operator meets it: the packaged jar, flags, environment, TLS, first start. */
class LaunchContractIT {
  @TempDir
  Path dir;

  Process start(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
        Path.of("target/portcullis.jar").toAbsolutePath().toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    // The test run's own PORTCULLIS_TEST_* variables would be warned about as unknown settings.
    builder.environment().keySet().removeIf(name -> name.startsWith("PORTCULLIS_"));
    builder.environment().putAll(env);
    builder.redirectOutput(dir.resolve("stdout-" + System.nanoTime()).toFile());
    builder.redirectError(ProcessBuilder.Redirect.PIPE);
    return builder.start();
  }

  static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Test
  void badConfigurationIsOneClearLineAndExitCode2() throws Exception {
    Path unknown = Files.writeString(dir.resolve("bad.yaml"), "listen: 127.0.0.1:5000\nlisen: typo\n");
    List<String[]> cases = List.of(new String[] {"serve", "--listen", "nowhere"},
        new String[] {"serve", "--config", unknown.toString()},
        new String[] {"serve", "--listen", "127.0.0.1:99999"});
    for (String[] args : cases) {
      Process process = start(Map.of("PORTCULLIS_DATA_DIR", dir.resolve("data").toString()), args);
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String stderr = new String(process.getErrorStream().readAllBytes()).strip();
      assertThat(process.exitValue()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(stderr.lines().count()).as(stderr).isEqualTo(1);
      assertThat(stderr).startsWith("portcullis: ");
    }
    Process badEnv = start(Map.of("PORTCULLIS_AUTH_TOKEN_TTL", "five minutes", "PORTCULLIS_DATA_DIR",
        dir.resolve("data").toString()), "serve");
    assertThat(badEnv.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(badEnv.exitValue()).isEqualTo(2);
    assertThat(new String(badEnv.getErrorStream().readAllBytes())).contains("auth.token-ttl");
  }

  /** One line per refusal on stderr, exit 2, and a data directory left as it was: nothing to clean up. */
  @Test
  void misconfigurationIsRefusedBeforeAnythingIsWritten() throws Exception {
    String masterKey = "a-master-key-of-at-least-32-bytes-long";
    Path notADirectory = Files.writeString(dir.resolve("a-file"), "x");
    Path brokenYaml = Files.writeString(dir.resolve("broken.yaml"), "listen: 127.0.0.1:5000\ndata-dir: [unclosed\n");
    int nobodyListens = freePort();
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      String busy = "127.0.0.1:" + taken.getLocalPort();
      record Case(String expected, Map<String, String> env, String... args) {}
      List<Case> cases = List.of(
          new Case("cannot connect to PostgreSQL at jdbc:postgresql://127.0.0.1:" + nobodyListens + "/registry:",
              Map.of("PORTCULLIS_DATABASE_URL", "jdbc:postgresql://127.0.0.1:" + nobodyListens
                  + "/registry?user=portcullis&password=hunter2", "PORTCULLIS_MASTER_KEY", masterKey)),
          new Case("database.url must be a jdbc:postgresql: URL, not 'postgres://db.example.com/registry'",
              Map.of("PORTCULLIS_DATABASE_URL", "postgres://portcullis:hunter2@db.example.com/registry?password=hunter2",
                  "PORTCULLIS_MASTER_KEY", masterKey)),
          new Case("cannot listen on " + busy, Map.of(), "--listen", busy),
          new Case("cannot load TLS certificate/key: ", Map.of("PORTCULLIS_TLS_CERTIFICATE", dir.resolve("missing-cert.pem").toString(),
              "PORTCULLIS_TLS_KEY", dir.resolve("missing-key.pem").toString())),
          new Case("line 2 column", Map.of(), "--config", brokenYaml.toString()));
      for (Case c : cases) {
        Path data = dir.resolve("untouched-" + System.nanoTime());
        Files.createDirectories(data);
        List<String> args = new ArrayList<>(List.of("serve", "--data-dir", data.toString()));
        args.addAll(List.of(c.args()));
        Process process = start(c.env(), args.toArray(String[]::new));
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String stderr = new String(process.getErrorStream().readAllBytes()).strip();
        assertThat(process.exitValue()).as(stderr).isEqualTo(2);
        assertThat(stderr.lines()).as(stderr).singleElement().asString()
            .startsWith("portcullis: ").contains(c.expected()).doesNotContain("hunter2");
        try (var written = Files.list(data)) {
          assertThat(written).as("nothing written for: " + stderr).isEmpty();
        }
      }
      Process unwritable = start(Map.of(), "serve", "--data-dir", notADirectory.resolve("data").toString());
      assertThat(unwritable.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(unwritable.exitValue()).isEqualTo(2);
      assertThat(new String(unwritable.getErrorStream().readAllBytes()).strip()).startsWith("portcullis: data-dir ")
          .contains("cannot be created").hasLineCount(1);

      Process misspelt = start(Map.of("PORTCULLIS_LISTN", "127.0.0.1:1"), "serve", "--listen", busy,
          "--data-dir", dir.resolve("misspelt").toString());
      assertThat(misspelt.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(new String(misspelt.getErrorStream().readAllBytes()))
          .contains("portcullis: warning: unknown environment variable PORTCULLIS_LISTN ignored");
    }
  }

  @Test
  void sealsSecretSettingsWithTheDataDirectorysMasterKey() throws Exception {
    Path data = dir.resolve("seal-data");
    ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-jar",
        Path.of("target/portcullis.jar").toAbsolutePath().toString(), "secret-seal", "ldap.bind-password",
        "--data-dir", data.toString());
    Process seal = builder.start();
    seal.getOutputStream().write("bind-secret\n".getBytes());
    seal.getOutputStream().close();
    String sealed = new String(seal.getInputStream().readAllBytes()).strip();
    assertThat(seal.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(seal.exitValue()).isZero();
    assertThat(sealed).startsWith("sealed:").doesNotContain("bind-secret");
    var box = new io.portcullis.auth.secret.SecretBox(Files.readString(data.resolve("master.key")).trim().getBytes());
    var config = io.portcullis.app.Configuration.load(null, Map.of("PORTCULLIS_LDAP_BIND_PASSWORD", sealed), Map.of());
    assertThat(config.secret(io.portcullis.app.Setting.LDAP_BIND_PASSWORD, box)).isEqualTo("bind-secret");
    Process refused = start(Map.of(), "secret-seal", "listen", "--data-dir", data.toString());
    refused.getOutputStream().close();
    assertThat(refused.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(refused.exitValue()).isEqualTo(2);
  }

  @Test
  void servesTlsPrintsAGeneratedPasswordOnceAndStopsGracefully() throws Exception {
    newCertificate("/CN=127.0.0.1");
    int port = freePort();
    Path data = dir.resolve("tls-data");
    Map<String, String> env = Map.of("PORTCULLIS_TLS_CERTIFICATE", dir.resolve("cert.pem").toString(),
        "PORTCULLIS_TLS_KEY", dir.resolve("key.pem").toString(), "PORTCULLIS_LOG_FORMAT", "text");
    for (int run = 0; run < 2; run++) {
      Path stdout = dir.resolve("run-" + run + ".log");
      List<String> command = List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
          Path.of("target/portcullis.jar").toAbsolutePath().toString(), "serve", "--listen", "127.0.0.1:" + port,
          "--data-dir", data.toString());
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(stdout.toFile());
      builder.environment().putAll(env);
      Process server = builder.start();
      try {
        String health = "";
        for (int i = 0; i < 300 && !health.contains("\"status\":\"ready\""); i++) {
          Thread.sleep(100);
          health = Processes.run(List.of("curl", "-sk", "https://127.0.0.1:" + port + "/readyz")).output().strip();
        }
        assertThat(health).isEqualTo(
            "{\"status\":\"ready\",\"checks\":{\"migrations\":\"ok\",\"database\":\"ok\",\"storage\":\"ok\"}}");
        assertThat(Processes.run(List.of("curl", "-sk", "https://127.0.0.1:" + port + "/livez")).output())
            .isEqualTo("{\"status\":\"live\"}");
        String log = Files.readString(stdout);
        if (run == 0) {
          assertThat(log).contains("password (shown once): ");
          String password = log.substring(log.indexOf("password (shown once): ") + 23).lines().findFirst().orElseThrow();
          Path layout = Processes.shared().resolve("fixtures/images/clean-tiny");
          Processes.run(List.of("skopeo", "--insecure-policy", "copy", "--dest-tls-verify=false", "--dest-creds",
              "admin:" + password, "oci:" + layout + ":" + RealClientsContract.refName(layout),
              "docker://127.0.0.1:" + port + "/tls/tiny:1")).requireSuccess();
        } else {
          assertThat(log).doesNotContain("shown once");
          // Under nohup SIGHUP is ignored, by this JVM and by the server it starts (dispositions are
          // inherited): there is then no SIGHUP to test, only the file watch below.
          if (!sighupIgnoredHere()) {
            String first = servedCertificate(port);
            newCertificate("/CN=renewed-by-hand");
            Processes.run(List.of("kill", "-HUP", Long.toString(server.pid()))).requireSuccess();
            awaitLogLine(stdout, "configuration reloaded");
            assertThat(server.isAlive()).as("SIGHUP reloads, never stops").isTrue();
            String reloaded = servedCertificate(port);
            assertThat(reloaded).isNotEqualTo(first).contains("renewed-by-hand");
          }
          newCertificate("/CN=renewed-by-certbot");
          awaitLogLine(stdout, "after it changed");
          assertThat(servedCertificate(port)).contains("renewed-by-certbot");
        }
        String metrics = Processes.run(List.of("curl", "-sk", "https://127.0.0.1:" + port + "/metrics")).output();
        assertThat(metrics).contains("portcullis_http_requests_total").contains("jvm_memory");
      } finally {
        server.destroy();
        assertThat(server.waitFor(60, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
      }
      assertThat(server.exitValue()).isIn(0, 143);
    }
  }

  /** Whether SIGHUP is ignored in this process (bit 0 of the SigIgn mask in /proc/self/status). */
  private static boolean sighupIgnoredHere() throws Exception {
    String mask = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("SigIgn:"))
        .map(l -> l.substring(7).strip()).findFirst().orElse("0");
    return (Long.parseUnsignedLong(mask, 16) & 1) != 0;
  }

  /** Writes a fresh self-signed pair over cert.pem and key.pem, as a renewal does. */
  private void newCertificate(String subject) throws Exception {
    Processes.run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString(), "-days", "1",
        "-subj", subject, "-addext", "subjectAltName=IP:127.0.0.1")).requireSuccess();
  }

  /** Subject and fingerprint of the certificate a new TLS connection gets. */
  private static String servedCertificate(int port) throws Exception {
    return Processes.run(List.of("bash", "-c", "openssl s_client -connect 127.0.0.1:" + port
        + " </dev/null 2>/dev/null | openssl x509 -noout -subject -fingerprint")).output().strip();
  }

  private static void awaitLogLine(Path log, String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.readString(log).contains(text)) {
      assertThat(System.nanoTime()).as("log line '%s' within 60 s; the log:%n%s", text, Files.readString(log))
          .isLessThan(deadline);
      Thread.sleep(100);
    }
  }
}
