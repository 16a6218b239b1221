package io.portcullis.scan.vuln;

import java.util.List;
import java.util.Objects;

/**
 * An OSV range: events on one version line, evaluated in the ecosystem's order ({@link Type#ECOSYSTEM}),
 * in Semantic Versioning order ({@link Type#SEMVER}) or on a commit graph ({@link Type#GIT}, which
 * image scanning cannot evaluate and ignores).
 */
public record VersionRange(Type type, List<Event> events) {

  public enum Type { ECOSYSTEM, SEMVER, GIT }

  /** Kinds of range events; {@code introduced "0"} means "since the first version". */
  public enum EventKind { INTRODUCED, FIXED, LAST_AFFECTED, LIMIT }

  public record Event(EventKind kind, String version) {
    public Event {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(version, "version");
    }
  }

  public VersionRange {
    Objects.requireNonNull(type, "type");
    events = List.copyOf(events);
  }
}
