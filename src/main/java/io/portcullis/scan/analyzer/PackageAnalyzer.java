package io.portcullis.scan.analyzer;

import io.portcullis.scan.layer.LayerEntry;
import java.io.IOException;

/**
 * Finds software in the files of a layer. The {@link LayerScanner} asks every analyzer about every
 * regular file ({@link #wants}), reads only the files some analyzer wants and hands them to
 * {@link #analyze}. Implementations are stateless and thread-safe; one instance serves all scans.
 */
public interface PackageAnalyzer {

  /**
   * Whether this analyzer needs the content of {@code entry}. Called for every file of every layer:
   * decide from the path (and size/mode) with plain string tests, no regex, no allocation-heavy work.
   * Also asked (with size 0, mode 0) about link paths, to know which links shadow analysed files.
   */
  boolean wants(LayerEntry entry);

  /**
   * Reads {@code file} and reports what it contains to {@code findings}. Throw an {@link IOException}
   * (e.g. {@link MalformedContentException}) for content that cannot be parsed: the scanner records the
   * file as skipped with that message and goes on with the layer.
   */
  void analyze(AnalyzedFile file, Findings findings) throws IOException;
}
