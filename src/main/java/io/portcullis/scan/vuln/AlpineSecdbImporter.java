package io.portcullis.scan.vuln;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads Alpine's security database (secdb, {@code https://secdb.alpinelinux.org/<release>/<repo>.json}),
 * either whole ({@code packages[].pkg.{name,secfixes}}) or split per origin package
 * ({@code {name, secfixes, distroversion}}, as mirrored by vuln-list).
 *
 * <p>{@code secfixes} maps a fixed version to the ids it fixes. A fix "X" of source package P in release
 * vA.B becomes: ecosystem {@code Alpine:vA.B}, package P, range introduced 0 / fixed X. The pseudo-version
 * "0" means the package was never affected: such entries are not vulnerabilities and yield nothing. An id
 * listed under several fixes of one package keeps one range per fix (their union, the cautious reading).
 * Records get OSV's Alpine ids: {@code ALPINE-<id>} with the original id as alias. The secdb carries no
 * severity. The release comes from {@code distroversion}, else from a path segment such as {@code v3.16}.
 */
public final class AlpineSecdbImporter {

  private final ImportLimits limits;

  public AlpineSecdbImporter(ImportLimits limits) {
    this.limits = limits;
  }

  public AlpineSecdbImporter() {
    this(ImportLimits.DEFAULT);
  }

  /**
   * Imports one secdb file or every {@code *.json} below a directory; yields one advisory per id (with an
   * affected entry per release and package) once all files are read.
   *
   * @return the number of advisories yielded
   */
  public long importPath(Path fileOrDirectory, Consumer<Advisory> sink, ImportProgress progress)
      throws IOException {
    Map<String, Accumulator> byId = new LinkedHashMap<>();
    for (Path file : SourceFiles.jsonFiles(fileOrDirectory, limits)) {
      byte[] bytes = BoundedReads.read(file, limits.maxDocumentBytes(), "maximum document size");
      readDocument(bytes, file, byId);
    }
    long count = 0;
    for (Accumulator acc : byId.values()) {
      sink.accept(acc.toAdvisory());
      progress.advanced(++count, acc.source);
    }
    return count;
  }

  private void readDocument(byte[] bytes, Path file, Map<String, Accumulator> byId) throws AdvisoryFormatException {
    String source = file.toString();
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(bytes);
    } catch (JacksonException e) {
      throw new AdvisoryFormatException(source, "not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new AdvisoryFormatException(source, "unreadable JSON", e);
    }
    if (root == null || !root.isObject()) {
      throw new AdvisoryFormatException(source, "a secdb document must be a JSON object");
    }
    String release = release(Json.text(root, "distroversion", source), file);
    if (root.has("packages")) {
      for (JsonNode entry : Json.array(root, "packages", source)) {
        JsonNode pkg = Json.object(entry, "pkg", source);
        if (pkg == null) {
          throw new AdvisoryFormatException(source, "packages[] entry without 'pkg'");
        }
        readPackage(pkg, release, source, byId);
      }
    } else {
      readPackage(root, release, source, byId);
    }
  }

  private static void readPackage(JsonNode pkg, String release, String source, Map<String, Accumulator> byId)
      throws AdvisoryFormatException {
    String name = Json.text(pkg, "name", source);
    if (name == null || name.isBlank()) {
      throw new AdvisoryFormatException(source, "secdb package without a name");
    }
    JsonNode secfixes = Json.object(pkg, "secfixes", source);
    if (secfixes == null) {
      return;
    }
    for (Map.Entry<String, JsonNode> fix : secfixes.properties()) {
      String fixedVersion = fix.getKey().strip();
      if (!fix.getValue().isArray()) {
        throw new AdvisoryFormatException(source, "secfixes of " + name + " " + fixedVersion + " is not a list");
      }
      if (fixedVersion.equals("0")) {
        continue;
      }
      for (JsonNode idNode : fix.getValue()) {
        String vulnerability = firstToken(idNode.asText());
        if (vulnerability.isEmpty()) {
          continue;
        }
        String advisoryId = vulnerability.startsWith("ALPINE-") ? vulnerability : "ALPINE-" + vulnerability;
        byId.computeIfAbsent(advisoryId, k -> new Accumulator(advisoryId, vulnerability, source))
            .add(new ReleasePackage("Alpine:" + release, name), fixedVersion);
      }
    }
  }

  private static String firstToken(String text) {
    String trimmed = text.strip();
    int space = 0;
    while (space < trimmed.length() && !Character.isWhitespace(trimmed.charAt(space))) {
      space++;
    }
    return trimmed.substring(0, space);
  }

  private static String release(String distroversion, Path file) throws AdvisoryFormatException {
    if (distroversion != null && !distroversion.isBlank()) {
      return distroversion.strip();
    }
    for (Path p = file.getParent(); p != null && p.getFileName() != null; p = p.getParent()) {
      String segment = p.getFileName().toString();
      if (segment.equals("edge") || segment.matches("v?\\d+\\.\\d+")) {
        return segment.startsWith("v") || segment.equals("edge") ? segment : "v" + segment;
      }
    }
    throw new AdvisoryFormatException(file.toString(), "no 'distroversion' and no release in the path");
  }

  private record ReleasePackage(String ecosystem, String name) {}

  private static final class Accumulator {
    final String id;
    final String vulnerability;
    final String source;
    final Map<ReleasePackage, List<String>> fixesByPackage = new LinkedHashMap<>();

    Accumulator(String id, String vulnerability, String source) {
      this.id = id;
      this.vulnerability = vulnerability;
      this.source = source;
    }

    void add(ReleasePackage pkg, String fixed) {
      List<String> fixes = fixesByPackage.computeIfAbsent(pkg, k -> new ArrayList<>());
      if (!fixes.contains(fixed)) {
        fixes.add(fixed);
      }
    }

    Advisory toAdvisory() {
      List<AffectedPackage> affected = new ArrayList<>();
      fixesByPackage.forEach((pkg, fixes) -> {
        List<VersionRange> ranges = new ArrayList<>();
        for (String fixed : fixes) {
          ranges.add(new VersionRange(VersionRange.Type.ECOSYSTEM, List.of(
              new VersionRange.Event(VersionRange.EventKind.INTRODUCED, "0"),
              new VersionRange.Event(VersionRange.EventKind.FIXED, fixed))));
        }
        affected.add(new AffectedPackage(pkg.ecosystem(), pkg.name(), "pkg:apk/alpine/" + pkg.name(), ranges,
            List.of(), List.of(), null));
      });
      List<String> aliases = id.equals(vulnerability) ? List.of() : List.of(vulnerability);
      return new Advisory(id, aliases, List.of(), List.of(), vulnerability + " fixed in Alpine secdb", "",
          null, null, null, affected, List.of(), null,
          List.of(new Reference("ADVISORY", "https://security.alpinelinux.org/vuln/" + vulnerability)), source);
    }
  }
}
