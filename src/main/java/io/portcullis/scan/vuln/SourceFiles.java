package io.portcullis.scan.vuln;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** Lists the JSON documents of an import source: one file, or every {@code *.json} below a directory. */
final class SourceFiles {

  private SourceFiles() {}

  static List<Path> jsonFiles(Path fileOrDirectory, ImportLimits limits) throws IOException {
    if (Files.isRegularFile(fileOrDirectory)) {
      return List.of(fileOrDirectory);
    }
    if (!Files.isDirectory(fileOrDirectory)) {
      throw new AdvisoryImportException(fileOrDirectory + ": no such file or directory");
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(fileOrDirectory)) {
      files = walk.filter(p -> Files.isRegularFile(p)
              && p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json"))
          .limit(limits.maxEntries() + 1L)
          .sorted()
          .toList();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    if (files.size() > limits.maxEntries()) {
      throw new ImportLimitException(fileOrDirectory.toString(), "maximum file count", limits.maxEntries());
    }
    return files;
  }
}
