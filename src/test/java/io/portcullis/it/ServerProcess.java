package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

/** The packaged server run as a process of its own, so that a test can kill it with SIGKILL and start it again. */
final class ServerProcess {
  private ServerProcess() {}

  static int freePort() throws java.io.IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Starts {@code serve} on the data directory (its log appended next to it) with extra environment. */
  static Process start(Path dataDir, int port, Map<String, String> environment) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Path jar = Path.of("target/portcullis.jar").toAbsolutePath();
    assertThat(jar).as("the packaged jar (integration tests run after package)").exists();
    ProcessBuilder builder = new ProcessBuilder(java, "-Xmx512m", "-jar", jar.toString(), "serve",
        "--listen", "127.0.0.1:" + port, "--data-dir", dataDir.toString())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(
            dataDir.resolveSibling(dataDir.getFileName() + "-server.log").toFile()));
    builder.environment().put("PORTCULLIS_ADMIN_PASSWORD", TestRegistry.ADMIN_PASSWORD);
    builder.environment().put("PORTCULLIS_LOG_FORMAT", "text");
    builder.environment().putAll(environment);
    return builder.start();
  }

  static void awaitHealthy(String base, Process server) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    for (int i = 0; i < 600; i++) {
      if (!server.isAlive()) {
        throw new AssertionError("server exited with " + server.exitValue());
      }
      try {
        if (http.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (java.io.IOException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError("server did not become healthy");
  }
}
