package io.portcullis.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs real command-line clients (skopeo, podman) and returns what they said. */
final class Processes {
  private Processes() {}

  record Result(int exitCode, String output) {
    Result requireSuccess() {
      if (exitCode != 0) {
        throw new AssertionError("command failed with " + exitCode + ":\n" + output);
      }
      return this;
    }
  }

  static Result run(List<String> command) throws IOException, InterruptedException {
    return run(command, null, 600);
  }

  static Result run(List<String> command, Path workDir, long timeoutSeconds) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    if (workDir != null) {
      builder.directory(workDir.toFile());
    }
    Process process = builder.start();
    byte[][] output = new byte[1][];
    Thread reader = Thread.ofVirtual().start(() -> {
      try {
        output[0] = process.getInputStream().readAllBytes();
      } catch (IOException e) {
        output[0] = ("<output unreadable: " + e + ">").getBytes(StandardCharsets.UTF_8);
      }
    });
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("timed out after " + timeoutSeconds + " s: " + String.join(" ", command));
    }
    reader.join();
    return new Result(process.exitValue(), new String(output[0], StandardCharsets.UTF_8));
  }

  static boolean available(String tool) {
    try {
      return run(List.of("sh", "-c", "command -v " + tool)).exitCode() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  /** The shared fixtures folder (../shared next to the project, or -Dportcullis.shared). */
  static Path shared() {
    String configured = System.getProperty("portcullis.shared");
    Path path = configured != null ? Path.of(configured) : Path.of("..", "shared");
    return path.toAbsolutePath().normalize();
  }
}
