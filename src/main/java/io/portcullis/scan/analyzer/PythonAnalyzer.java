package io.portcullis.scan.analyzer;

import io.portcullis.scan.inventory.InstalledPackage;
import io.portcullis.scan.inventory.PackageUrls;
import io.portcullis.scan.layer.LayerEntry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Installed Python distributions from core metadata: {@code *.dist-info/METADATA} (wheels, pip) and
 * {@code *.egg-info/PKG-INFO} or a bare {@code *.egg-info} file (setuptools). Names are normalised per
 * PEP 503; licenses come from {@code License-Expression}, a short {@code License} field, or the
 * {@code License ::} trove classifiers.
 */
public final class PythonAnalyzer implements PackageAnalyzer {

  /** Longer License fields are the license text itself, not a name. */
  private static final int MAX_LICENSE_NAME = 100;

  @Override
  public boolean wants(LayerEntry entry) {
    String path = entry.path();
    return path.endsWith(".dist-info/METADATA") || path.endsWith(".egg-info/PKG-INFO") || path.endsWith(".egg-info");
  }

  @Override
  public void analyze(AnalyzedFile file, Findings findings) throws IOException {
    Map<String, String> headers = ControlParagraphs.headers(file.text());
    String name = headers.get("Name");
    String version = headers.get("Version");
    if (name == null || version == null || name.isBlank() || version.isBlank()) {
      return;
    }
    String normalized = normalizeName(name);
    findings.add(new InstalledPackage("PyPI", normalized, version, null, null,
        PackageUrls.of("pypi", null, normalized, version), licenses(headers), file.path(), null));
  }

  /** PEP 503: lower case, every run of {@code -}, {@code _} and {@code .} becomes one {@code -}. */
  public static String normalizeName(String name) {
    StringBuilder normalized = new StringBuilder(name.length());
    boolean separator = false;
    for (char c : name.strip().toCharArray()) {
      if (c == '-' || c == '_' || c == '.') {
        separator = true;
        continue;
      }
      if (separator && !normalized.isEmpty()) {
        normalized.append('-');
      }
      separator = false;
      normalized.append(Character.toLowerCase(c));
    }
    return normalized.toString().toLowerCase(Locale.ROOT);
  }

  private static List<String> licenses(Map<String, String> headers) {
    String expression = headers.get("License-Expression");
    if (expression != null && !expression.isBlank()) {
      return List.of(expression.strip());
    }
    List<String> declared = new ArrayList<>();
    String license = headers.get("License");
    if (license != null && license.indexOf('\n') < 0 && license.length() <= MAX_LICENSE_NAME
        && !license.equalsIgnoreCase("UNKNOWN")) {
      declared.add(license);
    }
    String classifiers = headers.get("Classifier");
    if (classifiers != null) {
      for (String classifier : classifiers.split("\n")) {
        if (classifier.startsWith("License ::")) {
          String last = classifier.substring(classifier.lastIndexOf("::") + 2).strip();
          if (!last.equals("OSI Approved")) {
            declared.add(last);
          }
        }
      }
    }
    return Licenses.normalizeAll(declared);
  }
}
