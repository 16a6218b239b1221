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
    Processes.run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString(), "-days", "1",
        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1")).requireSuccess();
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
}
