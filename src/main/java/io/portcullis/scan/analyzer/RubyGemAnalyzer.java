package io.portcullis.scan.analyzer;

import io.portcullis.scan.inventory.InstalledPackage;
import io.portcullis.scan.inventory.PackageUrls;
import io.portcullis.scan.layer.LayerEntry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Installed Ruby gems from the generated {@code specifications/*.gemspec} files (including
 * {@code specifications/default/}). These are machine-written Ruby; the values are read from the
 * {@code .name}, {@code .version} and {@code .license(s)} assignments without evaluating anything.
 */
public final class RubyGemAnalyzer implements PackageAnalyzer {

  @Override
  public boolean wants(LayerEntry entry) {
    String path = entry.path();
    return path.endsWith(".gemspec") && path.contains("/specifications/");
  }

  @Override
  public void analyze(AnalyzedFile file, Findings findings) throws IOException {
    String name = null;
    String version = null;
    List<String> licenses = new ArrayList<>();
    for (String rawLine : file.text().split("\n")) {
      String line = rawLine.strip();
      String value = assignment(line, ".name");
      if (value != null && name == null) {
        name = firstQuoted(value);
      } else if ((value = assignment(line, ".version")) != null && version == null) {
        version = firstQuoted(value);
      } else if ((value = assignment(line, ".licenses")) != null || (value = assignment(line, ".license")) != null) {
        licenses.addAll(allQuoted(value));
      }
    }
    if (name != null && version != null) {
      findings.add(new InstalledPackage("RubyGems", name, version, null, null,
          PackageUrls.of("gem", null, name, version), Licenses.normalizeAll(licenses), file.path(), null));
    }
  }

  /** The right-hand side of {@code <receiver><field> = value}, or null. */
  private static String assignment(String line, String field) {
    int at = line.indexOf(field);
    if (at <= 0 || line.startsWith("#")) {
      return null;
    }
    String rest = line.substring(at + field.length()).stripLeading();
    if (!rest.startsWith("=") || rest.startsWith("==")) {
      return null;
    }
    for (int i = 0; i < at; i++) {
      char c = line.charAt(i);
      if (!Character.isLetterOrDigit(c) && c != '_') {
        return null;
      }
    }
    return rest.substring(1);
  }

  private static String firstQuoted(String value) {
    List<String> quoted = allQuoted(value);
    return quoted.isEmpty() ? null : quoted.getFirst();
  }

  private static List<String> allQuoted(String value) {
    List<String> strings = new ArrayList<>();
    int i = 0;
    while (i < value.length()) {
      char c = value.charAt(i);
      if (c == '"' || c == '\'') {
        int end = value.indexOf(c, i + 1);
        if (end < 0) {
          break;
        }
        strings.add(value.substring(i + 1, end));
        i = end + 1;
      } else if (c == '%' && i + 2 < value.length() && (value.charAt(i + 1) == 'q' || value.charAt(i + 1) == 'Q')
          && value.charAt(i + 2) == '{') {
        int end = value.indexOf('}', i + 3);
        if (end < 0) {
          break;
        }
        strings.add(value.substring(i + 3, end));
        i = end + 1;
      } else {
        i++;
      }
    }
    return strings;
  }
}
