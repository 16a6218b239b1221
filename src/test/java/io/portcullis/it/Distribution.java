package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The CNCF distribution registry as a real upstream on 127.0.0.1, started by
 * {@code ../shared/scripts/start-distribution.sh} (anonymous, storage wiped at start), with fixture
 * images pushed into it by skopeo.
 */
final class Distribution implements AutoCloseable {
  /** {@code 127.0.0.1:PORT}. */
  final String host;
  private final long pid;

  private Distribution(String host, long pid) {
    this.host = host;
    this.pid = pid;
  }

  static Distribution start(int port, Path root) throws Exception {
    ProcessBuilder start = new ProcessBuilder(Processes.shared().resolve("scripts/start-distribution.sh").toString());
    start.environment().put("PORT", String.valueOf(port));
    start.environment().put("ROOT", root.toString());
    Process process = start.redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(process.waitFor()).as(output).isZero();
    return new Distribution("127.0.0.1:" + port, Long.parseLong(output.lines().reduce((a, b) -> b).orElseThrow().strip()));
  }

  /** Pushes every platform of fixture image {@code fixture} as {@code reference} ({@code library/alpine:1.0}). */
  void push(String fixture, String reference) throws Exception {
    Path layout = Processes.shared().resolve("fixtures/images/" + fixture);
    Processes.run(List.of("skopeo", "--insecure-policy", "copy", "--all", "--dest-tls-verify=false",
        "--dest-no-creds", "oci:" + layout + ":" + RealClientsContract.refName(layout),
        "docker://" + host + "/" + reference)).requireSuccess();
  }

  /** Stops it and waits until it is gone, as an upstream that went down. */
  void kill() {
    ProcessHandle.of(pid).ifPresent(p -> {
      p.destroy();
      p.onExit().join();
    });
  }

  @Override
  public void close() {
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
  }
}
