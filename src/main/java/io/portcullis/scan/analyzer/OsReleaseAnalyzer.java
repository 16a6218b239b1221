package io.portcullis.scan.analyzer;

import io.portcullis.scan.inventory.OsRelease;
import io.portcullis.scan.layer.LayerEntry;
import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Identifies the OS from {@code /etc/os-release} (preferred), {@code /usr/lib/os-release}, and the
 * distro release files ({@code /etc/alpine-release}, {@code /etc/debian_version},
 * {@code /etc/redhat-release} and its CentOS/Rocky/Alma siblings) for images without os-release.
 */
public final class OsReleaseAnalyzer implements PackageAnalyzer {

  private static final int MAX_RELEASE_FILE = 64 * 1024;
  private static final Map<String, Integer> PREFERENCE = Map.of(
      "/etc/os-release", 0,
      "/usr/lib/os-release", 1,
      "/etc/alpine-release", 2,
      "/etc/rocky-release", 3,
      "/etc/almalinux-release", 3,
      "/etc/centos-release", 4,
      "/etc/redhat-release", 5,
      "/etc/system-release", 6,
      "/etc/debian_version", 7);

  @Override
  public boolean wants(LayerEntry entry) {
    return entry.size() <= MAX_RELEASE_FILE && PREFERENCE.containsKey(entry.path());
  }

  @Override
  public void analyze(AnalyzedFile file, Findings findings) throws IOException {
    String path = file.path();
    String text = file.text();
    OsRelease release = switch (path) {
      case "/etc/os-release", "/usr/lib/os-release" -> parseOsRelease(text, path);
      case "/etc/alpine-release" -> new OsRelease("alpine", firstLine(text), "Alpine Linux " + firstLine(text), path);
      case "/etc/debian_version" -> debianVersion(firstLine(text), path);
      default -> parseRedHatStyle(firstLine(text), path);
    };
    if (release != null) {
      findings.osRelease(release, PREFERENCE.get(path));
    }
  }

  static OsRelease parseOsRelease(String text, String path) {
    Map<String, String> fields = new HashMap<>();
    for (String line : text.split("\n")) {
      String trimmed = line.strip();
      int equals = trimmed.indexOf('=');
      if (trimmed.startsWith("#") || equals <= 0) {
        continue;
      }
      fields.put(trimmed.substring(0, equals), unquote(trimmed.substring(equals + 1)));
    }
    String id = fields.get("ID");
    if (id == null || id.isEmpty()) {
      return null;
    }
    return new OsRelease(id, fields.getOrDefault("VERSION_ID", ""),
        fields.getOrDefault("PRETTY_NAME", fields.getOrDefault("NAME", id)), path);
  }

  /** {@code 12.15} → Debian 12; codenames ({@code trixie/sid}) leave the version open. */
  private static OsRelease debianVersion(String version, String path) {
    if (version.isEmpty()) {
      return null;
    }
    boolean numeric = Character.isDigit(version.charAt(0));
    return new OsRelease("debian", numeric ? version : "", "Debian GNU/Linux " + version, path);
  }

  /** "Rocky Linux release 9.3 (Blue Onyx)" and the like. */
  static OsRelease parseRedHatStyle(String line, String path) {
    int release = line.indexOf(" release ");
    if (release <= 0) {
      return null;
    }
    String distro = line.substring(0, release).toLowerCase(Locale.ROOT);
    String rest = line.substring(release + " release ".length()).strip();
    int space = rest.indexOf(' ');
    String version = space < 0 ? rest : rest.substring(0, space);
    String id;
    if (distro.startsWith("red hat")) {
      id = "rhel";
    } else if (distro.startsWith("rocky")) {
      id = "rocky";
    } else if (distro.startsWith("almalinux")) {
      id = "almalinux";
    } else if (distro.startsWith("centos")) {
      id = "centos";
    } else if (distro.startsWith("fedora")) {
      id = "fedora";
    } else if (distro.startsWith("oracle")) {
      id = "ol";
    } else if (distro.startsWith("amazon")) {
      id = "amzn";
    } else {
      return null;
    }
    return new OsRelease(id, version, line, path);
  }

  private static String firstLine(String text) {
    int newline = text.indexOf('\n');
    return (newline < 0 ? text : text.substring(0, newline)).strip();
  }

  private static String unquote(String value) {
    if (value.length() >= 2) {
      char first = value.charAt(0);
      if ((first == '"' || first == '\'') && value.charAt(value.length() - 1) == first) {
        value = value.substring(1, value.length() - 1);
        if (first == '"') {
          StringBuilder unescaped = new StringBuilder(value.length());
          for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length()) {
              c = value.charAt(++i);
            }
            unescaped.append(c);
          }
          value = unescaped.toString();
        }
      }
    }
    return value;
  }
}
