package io.portcullis.scan.vuln;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads OSV records (https://ossf.github.io/osv-schema/) from a directory tree of {@code *.json} files or
 * from a zip archive as OSV publishes per ecosystem ({@code all.zip}). Records are handed to a sink as
 * they are read; nothing is stored. Affected entries without a package (pure GIT ranges) are dropped,
 * because image scanning matches packages.
 */
public final class OsvImporter {

  private final ImportLimits limits;

  public OsvImporter(ImportLimits limits) {
    this.limits = limits;
  }

  public OsvImporter() {
    this(ImportLimits.DEFAULT);
  }

  /**
   * Imports every {@code *.json} file below {@code root} (symbolic links are not followed), in path order.
   *
   * @return the number of records yielded
   */
  public long importDirectory(Path root, Consumer<Advisory> sink, ImportProgress progress) throws IOException {
    List<Path> files = SourceFiles.jsonFiles(root, limits);
    long total = 0;
    long count = 0;
    for (Path file : files) {
      byte[] bytes = BoundedReads.read(file, limits.maxRecordBytes(), "maximum record size");
      total += bytes.length;
      if (total > limits.maxTotalBytes()) {
        throw new ImportLimitException(root.toString(), "maximum total bytes", limits.maxTotalBytes());
      }
      sink.accept(parse(bytes, file.toString()));
      progress.advanced(++count, file.toString());
    }
    return count;
  }

  /**
   * Imports every {@code *.json} entry of a zip archive. The entry count is checked before anything is
   * read; per-entry and total uncompressed sizes are enforced while reading.
   *
   * @return the number of records yielded
   */
  public long importZip(Path zipFile, Consumer<Advisory> sink, ImportProgress progress) throws IOException {
    try (ZipFile zip = new ZipFile(zipFile.toFile())) {
      if (zip.size() > limits.maxEntries()) {
        throw new ImportLimitException(zipFile.toString(), "maximum entry count", limits.maxEntries());
      }
      long total = 0;
      long count = 0;
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) {
        ZipEntry entry = entries.nextElement();
        if (entry.isDirectory() || !entry.getName().toLowerCase(Locale.ROOT).endsWith(".json")) {
          continue;
        }
        String source = zipFile + "!" + entry.getName();
        byte[] bytes;
        try (InputStream in = zip.getInputStream(entry)) {
          bytes = BoundedReads.read(in, limits.maxRecordBytes(), source, "maximum record size");
        }
        total += bytes.length;
        if (total > limits.maxTotalBytes()) {
          throw new ImportLimitException(zipFile.toString(), "maximum total uncompressed bytes",
              limits.maxTotalBytes());
        }
        sink.accept(parse(bytes, source));
        progress.advanced(++count, source);
      }
      return count;
    }
  }

  /** Parses one OSV record. */
  public Advisory parse(byte[] json, String source) throws AdvisoryFormatException {
    if (json.length > limits.maxRecordBytes()) {
      throw new AdvisoryFormatException(source, "record larger than " + limits.maxRecordBytes() + " bytes");
    }
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(json);
    } catch (JacksonException e) {
      throw new AdvisoryFormatException(source, "not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new AdvisoryFormatException(source, "unreadable JSON", e);
    }
    if (root == null || !root.isObject()) {
      throw new AdvisoryFormatException(source, "an OSV record must be a JSON object");
    }
    return toAdvisory(root, source);
  }

  private static Advisory toAdvisory(JsonNode root, String source) throws AdvisoryFormatException {
    String id = Json.text(root, "id", source);
    if (id == null || id.isBlank()) {
      throw new AdvisoryFormatException(source, "OSV record without 'id'");
    }
    List<AffectedPackage> affected = new ArrayList<>();
    for (JsonNode node : Json.array(root, "affected", source)) {
      AffectedPackage pkg = affected(node, source);
      if (pkg != null) {
        affected.add(pkg);
      }
    }
    List<Reference> references = new ArrayList<>();
    for (JsonNode node : Json.array(root, "references", source)) {
      String url = Json.text(node, "url", source);
      if (url != null) {
        references.add(new Reference(Json.text(node, "type", source), url));
      }
    }
    JsonNode databaseSpecific = Json.object(root, "database_specific", source);
    return new Advisory(id, Json.strings(root, "aliases", source), Json.strings(root, "upstream", source),
        Json.strings(root, "related", source), Json.text(root, "summary", source),
        Json.text(root, "details", source), Json.timestamp(root, "published", source),
        Json.timestamp(root, "modified", source), Json.timestamp(root, "withdrawn", source), affected,
        severities(root, source), labelOf(databaseSpecific, source), references, source);
  }

  private static AffectedPackage affected(JsonNode node, String source) throws AdvisoryFormatException {
    JsonNode pkg = Json.object(node, "package", source);
    if (pkg == null) {
      return null;
    }
    String ecosystem = Json.text(pkg, "ecosystem", source);
    String name = Json.text(pkg, "name", source);
    if (ecosystem == null || name == null) {
      throw new AdvisoryFormatException(source, "affected package without ecosystem or name");
    }
    List<VersionRange> ranges = new ArrayList<>();
    for (JsonNode range : Json.array(node, "ranges", source)) {
      ranges.add(range(range, source));
    }
    String label = labelOf(Json.object(node, "ecosystem_specific", source), source);
    if (label == null) {
      label = labelOf(Json.object(node, "database_specific", source), source);
    }
    return new AffectedPackage(ecosystem, name, Json.text(pkg, "purl", source), ranges,
        Json.strings(node, "versions", source), severities(node, source), label);
  }

  private static VersionRange range(JsonNode node, String source) throws AdvisoryFormatException {
    String typeText = Json.text(node, "type", source);
    VersionRange.Type type;
    try {
      type = VersionRange.Type.valueOf(String.valueOf(typeText).toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new AdvisoryFormatException(source, "unknown range type '" + typeText + "'");
    }
    List<VersionRange.Event> events = new ArrayList<>();
    for (JsonNode event : Json.array(node, "events", source)) {
      events.add(event(event, source));
    }
    return new VersionRange(type, events);
  }

  private static VersionRange.Event event(JsonNode node, String source) throws AdvisoryFormatException {
    VersionRange.Event found = null;
    for (VersionRange.EventKind kind : VersionRange.EventKind.values()) {
      String version = Json.text(node, kind.name().toLowerCase(Locale.ROOT), source);
      if (version != null) {
        if (found != null) {
          throw new AdvisoryFormatException(source, "range event with more than one kind: " + node);
        }
        found = new VersionRange.Event(kind, version);
      }
    }
    if (found == null) {
      throw new AdvisoryFormatException(source, "range event without introduced/fixed/last_affected/limit");
    }
    return found;
  }

  private static List<SeverityEntry> severities(JsonNode node, String source) throws AdvisoryFormatException {
    List<SeverityEntry> out = new ArrayList<>();
    for (JsonNode entry : Json.array(node, "severity", source)) {
      String score = Json.text(entry, "score", source);
      if (score != null) {
        out.add(new SeverityEntry(Json.text(entry, "type", source), score));
      }
    }
    return out;
  }

  /** A source's severity word: {@code severity} (GHSA, Ubuntu) or {@code urgency} (Debian). */
  private static String labelOf(JsonNode specific, String source) throws AdvisoryFormatException {
    if (specific == null) {
      return null;
    }
    JsonNode severity = specific.get("severity");
    if (severity != null && severity.isTextual()) {
      return severity.asText();
    }
    return Json.text(specific, "urgency", source);
  }
}
