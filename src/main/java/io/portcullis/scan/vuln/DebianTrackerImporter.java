package io.portcullis.scan.vuln;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.scan.version.Ecosystems;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads the Debian security tracker in either of its machine-readable shapes:
 * <ul>
 *   <li>the tracker's JSON export ({@code /tracker/data/json}): source package → CVE → {@code releases} →
 *       {@code status}, {@code fixed_version}, {@code urgency};</li>
 *   <li>single list entries as parsed from {@code data/CVE/list} and {@code data/DSA/list}
 *       ({@code Header.ID} plus {@code Annotations[]} of type {@code package} / {@code xref}).</li>
 * </ul>
 *
 * <p>Release codenames map to OSV ecosystems {@code Debian:N} (bookworm → 12); {@code sid} and unknown
 * codenames are skipped. Status "resolved" with fixed version X: introduced 0, fixed X; fixed version "0":
 * not affected (nothing yielded); "open" or "undetermined": affected in all versions with no fix. In list
 * entries, a line without {@code [release]} states the unstable status, which every release without its
 * own line inherits; {@code no-dsa}, {@code ignored}, {@code postponed} and {@code end-of-life} leave the
 * release affected and unfixed. CVE entries become {@code DEBIAN-CVE-…} records with the CVE as
 * {@code upstream}; DSA/DLA entries keep their id and list their CVEs as {@code related}. The urgency or
 * severity word is kept as the affected package's severity label.
 */
public final class DebianTrackerImporter {

  private static final Set<String> UNFIXED_KINDS = Set.of("unfixed", "no-dsa", "ignored", "postponed", "end-of-life");
  private static final List<String> CODENAMES = Ecosystems.DEBIAN_CODENAMES.keySet().stream().sorted().toList();
  private static final Set<String> UNAFFECTED_KINDS = Set.of("not-affected", "removed");

  private final ImportLimits limits;

  public DebianTrackerImporter(ImportLimits limits) {
    this.limits = limits;
  }

  public DebianTrackerImporter() {
    this(ImportLimits.DEFAULT);
  }

  /**
   * Imports a tracker JSON export or list-entry file, or every {@code *.json} below a directory.
   *
   * @return the number of advisories yielded
   */
  public long importPath(Path fileOrDirectory, Consumer<Advisory> sink, ImportProgress progress)
      throws IOException {
    Map<String, Accumulator> byId = new LinkedHashMap<>();
    for (Path file : SourceFiles.jsonFiles(fileOrDirectory, limits)) {
      if (Files.size(file) > limits.maxDocumentBytes()) {
        throw new ImportLimitException(file.toString(), "maximum document size", limits.maxDocumentBytes());
      }
      readDocument(file, byId);
    }
    long count = 0;
    for (Accumulator acc : byId.values()) {
      if (!acc.affected.isEmpty()) {
        sink.accept(acc.toAdvisory());
        progress.advanced(++count, acc.source);
      }
    }
    return count;
  }

  private void readDocument(Path file, Map<String, Accumulator> byId) throws IOException {
    String source = file.toString();
    try (InputStream in = Files.newInputStream(file); JsonParser parser = Json.MAPPER.createParser(in)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new AdvisoryFormatException(source, "a tracker document must be a JSON object");
      }
      // The export is large: read it one package at a time instead of as one tree.
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        parser.nextToken();
        JsonNode value = parser.readValueAsTree();
        if (field.equals("Header")) {
          readListEntry(value, parser, source, byId);
          return;
        }
        if (value == null || !value.isObject()) {
          throw new AdvisoryFormatException(source, "package '" + field + "' is not an object");
        }
        readExportPackage(field, value, source, byId);
      }
    } catch (JacksonException e) {
      throw new AdvisoryFormatException(source, "not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static void readExportPackage(String pkg, JsonNode cves, String source, Map<String, Accumulator> byId)
      throws AdvisoryFormatException {
    for (Map.Entry<String, JsonNode> cve : cves.properties()) {
      JsonNode entry = cve.getValue();
      if (!entry.isObject()) {
        throw new AdvisoryFormatException(source, pkg + "/" + cve.getKey() + " is not an object");
      }
      Accumulator acc = accumulatorFor(cve.getKey(), source, byId);
      acc.describe(Json.text(entry, "description", source));
      JsonNode releases = Json.object(entry, "releases", source);
      if (releases == null) {
        continue;
      }
      for (Map.Entry<String, JsonNode> release : releases.properties()) {
        String ecosystem = ecosystemOf(release.getKey());
        if (ecosystem == null) {
          continue;
        }
        JsonNode state = release.getValue();
        String status = Json.text(state, "status", source);
        String fixed = Json.text(state, "fixed_version", source);
        String urgency = urgency(Json.text(state, "urgency", source));
        switch (status == null ? "" : status) {
          case "resolved" -> {
            if (fixed == null || fixed.isBlank()) {
              throw new AdvisoryFormatException(source, pkg + "/" + cve.getKey() + " resolved without a fixed version");
            }
            acc.add(ecosystem, pkg, fixed.strip(), urgency);
          }
          case "open", "undetermined" -> acc.add(ecosystem, pkg, null, urgency);
          default -> throw new AdvisoryFormatException(source,
              pkg + "/" + cve.getKey() + " has unknown status '" + status + "'");
        }
      }
    }
  }

  private static void readListEntry(JsonNode header, JsonParser parser, String source,
      Map<String, Accumulator> byId) throws IOException {
    String id = header == null ? null : Json.text(header, "ID", source);
    if (id == null || id.isBlank()) {
      throw new AdvisoryFormatException(source, "list entry without Header.ID");
    }
    JsonNode annotations = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      parser.nextToken();
      JsonNode value = parser.readValueAsTree();
      if (field.equals("Annotations")) {
        annotations = value;
      }
    }
    Accumulator acc = accumulatorFor(id, source, byId);
    acc.describe(stripParentheses(Json.text(header, "Description", source)));
    Map<String, JsonNode> unstableByPackage = new LinkedHashMap<>();
    Map<String, Map<String, JsonNode>> releaseLinesByPackage = new LinkedHashMap<>();
    if (annotations != null && !annotations.isArray()) {
      throw new AdvisoryFormatException(source, "'Annotations' is not an array");
    }
    for (JsonNode annotation : annotations == null ? List.<JsonNode>of() : annotations) {
      String type = Json.text(annotation, "Type", source);
      if ("xref".equals(type)) {
        acc.related.addAll(Json.strings(annotation, "Bugs", source));
      } else if ("package".equals(type)) {
        String pkg = Json.text(annotation, "Package", source);
        if (pkg == null) {
          throw new AdvisoryFormatException(source, "package annotation without Package");
        }
        String release = Json.text(annotation, "Release", source);
        if (release == null || release.isEmpty()) {
          unstableByPackage.put(pkg, annotation);
        } else {
          releaseLinesByPackage.computeIfAbsent(pkg, k -> new LinkedHashMap<>()).put(release, annotation);
        }
      }
    }
    Set<String> packages = new LinkedHashSet<>(unstableByPackage.keySet());
    packages.addAll(releaseLinesByPackage.keySet());
    for (String pkg : packages) {
      Map<String, JsonNode> releaseLines = releaseLinesByPackage.getOrDefault(pkg, Map.of());
      for (String codename : CODENAMES) {
        JsonNode line = releaseLines.getOrDefault(codename, unstableByPackage.get(pkg));
        if (line != null) {
          applyListLine(acc, ecosystemOf(codename), pkg, line, source);
        }
      }
    }
  }

  private static void applyListLine(Accumulator acc, String ecosystem, String pkg, JsonNode line, String source)
      throws AdvisoryFormatException {
    String kind = String.valueOf(Json.text(line, "Kind", source)).toLowerCase(Locale.ROOT);
    String severity = urgency(Json.text(line, "Severity", source));
    if (kind.equals("fixed")) {
      String version = Json.text(line, "Version", source);
      if (version == null || version.isBlank()) {
        throw new AdvisoryFormatException(source, pkg + " fixed without a version");
      }
      acc.add(ecosystem, pkg, version.strip(), severity);
    } else if (UNFIXED_KINDS.contains(kind)) {
      acc.add(ecosystem, pkg, null, severity);
    } else if (!UNAFFECTED_KINDS.contains(kind)) {
      throw new AdvisoryFormatException(source, pkg + " has unknown annotation kind '" + kind + "'");
    }
  }

  private static Accumulator accumulatorFor(String trackerId, String source, Map<String, Accumulator> byId) {
    return byId.computeIfAbsent(trackerId, k -> new Accumulator(trackerId, source));
  }

  private static String ecosystemOf(String codename) {
    String number = Ecosystems.DEBIAN_CODENAMES.get(codename.toLowerCase(Locale.ROOT));
    return number == null ? null : "Debian:" + number;
  }

  /** Tracker urgencies may carry markers ({@code low*}, {@code medium**}); "not yet assigned" is none. */
  private static String urgency(String raw) {
    if (raw == null) {
      return null;
    }
    String word = raw.replace("*", "").strip();
    return word.isEmpty() || word.equals("not yet assigned") ? null : word;
  }

  private static String stripParentheses(String text) {
    if (text == null) {
      return null;
    }
    String t = text.strip();
    return t.startsWith("(") && t.endsWith(")") ? t.substring(1, t.length() - 1) : t;
  }

  private static final class Accumulator {
    final String trackerId;
    final String source;
    final List<String> related = new ArrayList<>();
    final List<AffectedPackage> affected = new ArrayList<>();
    String description;

    Accumulator(String trackerId, String source) {
      this.trackerId = trackerId;
      this.source = source;
    }

    void describe(String text) {
      if (description == null && text != null && !text.isBlank()) {
        description = text;
      }
    }

    /** A null {@code fixed} means affected in every version with no fix available. */
    void add(String ecosystem, String pkg, String fixed, String urgency) {
      if ("0".equals(fixed)) {
        return;
      }
      List<VersionRange.Event> events = new ArrayList<>();
      events.add(new VersionRange.Event(VersionRange.EventKind.INTRODUCED, "0"));
      if (fixed != null) {
        events.add(new VersionRange.Event(VersionRange.EventKind.FIXED, fixed));
      }
      affected.add(new AffectedPackage(ecosystem, pkg, "pkg:deb/debian/" + pkg + "?arch=source",
          List.of(new VersionRange(VersionRange.Type.ECOSYSTEM, events)), List.of(), List.of(), urgency));
    }

    Advisory toAdvisory() {
      boolean isCve = trackerId.startsWith("CVE-");
      String id = trackerId.startsWith("DSA-") || trackerId.startsWith("DLA-") ? trackerId : "DEBIAN-" + trackerId;
      return new Advisory(id, List.of(), isCve ? List.of(trackerId) : List.of(), related,
          description, "", null, null, null, affected, List.of(), null,
          List.of(new Reference("ADVISORY", "https://security-tracker.debian.org/tracker/" + trackerId)), source);
    }
  }
}
