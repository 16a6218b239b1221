package io.portcullis.scan.vuln;

import io.portcullis.scan.version.Ecosystems;
import io.portcullis.scan.version.InvalidVersionException;
import io.portcullis.scan.version.ParsedVersion;
import io.portcullis.scan.version.SemverComparator;
import io.portcullis.scan.version.UnsupportedEcosystemException;
import io.portcullis.scan.version.VersionComparator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * All advisories, prepared once for fast matching: keyed by (normalised ecosystem, normalised package
 * name), with every range event already parsed by the ecosystem's version ordering and sorted, and
 * records joined into {@link VulnerabilityGroup}s through their ids, aliases and upstream ids.
 * Immutable and safe to share between threads; build a new one to change the data.
 *
 * <p>Withdrawn records are left out. An affected entry in an ecosystem without a known ordering, or a
 * range whose versions that ordering cannot parse, cannot be evaluated: it is left out and counted in
 * {@link #problems()} rather than guessed at.
 */
public final class AdvisoryIndex {

  private static final int MAX_PROBLEMS_KEPT = 1000;
  private static final int MAX_CACHED_ECOSYSTEMS = 1024;

  private final Map<String, EcosystemTable> byEcosystem;
  private final Map<String, Advisory> byId;
  private final int advisoryCount;
  private final List<String> problems;
  private final int problemCount;
  private final Map<String, String> normalizedEcosystems = new ConcurrentHashMap<>();

  private AdvisoryIndex(Builder b) {
    // Not Map.copyOf: its linear probing degrades badly on sequential ids like CVE-2021-1, CVE-2021-2, ...
    this.byId = new HashMap<>(b.byId);
    this.advisoryCount = b.advisories.size();
    Map<String, VulnerabilityGroup> groups = groups(b.advisories);
    Map<String, Map<String, List<Entry>>> building = new HashMap<>();
    for (Advisory advisory : b.advisories) {
      VulnerabilityGroup group = groups.get(advisory.id());
      for (AffectedPackage affected : advisory.affected()) {
        Entry entry = compile(advisory, affected, group, b);
        if (entry != null) {
          String ecosystem = Ecosystems.normalize(affected.ecosystem());
          String name = PackageNames.normalize(base(ecosystem), affected.name());
          building.computeIfAbsent(ecosystem, k -> new HashMap<>())
              .computeIfAbsent(name, k -> new ArrayList<>()).add(entry);
        }
      }
    }
    Map<String, EcosystemTable> frozen = new HashMap<>();
    building.forEach((eco, names) -> {
      Map<String, Entry[]> byName = new HashMap<>(names.size() * 2);
      names.forEach((name, list) -> byName.put(name, list.toArray(Entry[]::new)));
      frozen.put(eco, new EcosystemTable(base(eco), byName));
    });
    this.byEcosystem = frozen;
    this.problems = List.copyOf(b.problems);
    this.problemCount = b.problemCount;
  }

  public static Builder builder() {
    return new Builder();
  }

  public static AdvisoryIndex of(Iterable<Advisory> advisories) {
    Builder builder = builder();
    advisories.forEach(builder);
    return builder.build();
  }

  /** Number of (non-withdrawn) advisories indexed. */
  public int size() {
    return advisoryCount;
  }

  /** Entries that could not be indexed, with the reason (the first {@value #MAX_PROBLEMS_KEPT}). */
  public List<String> problems() {
    return problems;
  }

  public int problemCount() {
    return problemCount;
  }

  public Optional<Advisory> advisory(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  /**
   * The advisory entries that affect one installed package version.
   *
   * @param ecosystem OSV ecosystem of the package ({@code Alpine:v3.16.9} and {@code Alpine:v3.16} are the same)
   * @param name      package name (for distributions: the source package)
   * @param version   installed version (for distributions: the source version)
   * @throws InvalidVersionException when the ecosystem's ordering cannot parse {@code version}
   */
  public List<AffectedMatch> affecting(String ecosystem, String name, String version) {
    String eco = normalizedEcosystem(ecosystem);
    EcosystemTable table = byEcosystem.get(eco);
    if (table == null) {
      return List.of();
    }
    Entry[] entries = table.names.get(PackageNames.normalize(table.base, name));
    if (entries == null) {
      return List.of();
    }
    InstalledVersion installed = new InstalledVersion(entries[0].comparator, version);
    List<AffectedMatch> matches = null;
    for (Entry entry : entries) {
      AffectedMatch match = entry.match(installed);
      if (match != null) {
        if (matches == null) {
          matches = new ArrayList<>(2);
        }
        matches.add(match);
      }
    }
    return matches == null ? List.of() : matches;
  }

  private String normalizedEcosystem(String ecosystem) {
    String cached = normalizedEcosystems.get(ecosystem);
    if (cached != null) {
      return cached;
    }
    String normalized = Ecosystems.normalize(ecosystem);
    if (normalizedEcosystems.size() < MAX_CACHED_ECOSYSTEMS) {
      normalizedEcosystems.put(ecosystem, normalized);
    }
    return normalized;
  }

  private static String base(String ecosystem) {
    int colon = ecosystem.indexOf(':');
    return colon >= 0 ? ecosystem.substring(0, colon) : ecosystem;
  }

  // ---- building ----

  private static Entry compile(Advisory advisory, AffectedPackage affected, VulnerabilityGroup group, Builder b) {
    VersionComparator comparator;
    try {
      comparator = Ecosystems.comparatorFor(affected.ecosystem());
    } catch (UnsupportedEcosystemException e) {
      b.problem(advisory, affected, e.getMessage());
      return null;
    }
    List<CompiledRange> ranges = new ArrayList<>();
    for (VersionRange range : affected.ranges()) {
      if (range.type() == VersionRange.Type.GIT) {
        continue;
      }
      VersionComparator rangeComparator =
          range.type() == VersionRange.Type.SEMVER ? SemverComparator.SEMVER : comparator;
      try {
        ranges.add(CompiledRange.of(range, rangeComparator));
      } catch (InvalidVersionException e) {
        b.problem(advisory, affected, e.getMessage());
      }
    }
    List<ParsedVersion> parsed = new ArrayList<>();
    for (String v : affected.versions()) {
      try {
        parsed.add(comparator.parse(v));
      } catch (InvalidVersionException e) {
        parsed.add(null);
      }
    }
    if (ranges.isEmpty() && affected.versions().isEmpty()) {
      return null;
    }
    return new Entry(advisory, affected, group, comparator, ranges.toArray(CompiledRange[]::new),
        affected.versions().toArray(String[]::new), parsed.toArray(ParsedVersion[]::new));
  }

  /** Union-find over ids: records sharing any id, alias or upstream id are one vulnerability. */
  private static Map<String, VulnerabilityGroup> groups(List<Advisory> advisories) {
    Map<String, String> parent = new HashMap<>();
    for (Advisory a : advisories) {
      parent.putIfAbsent(a.id(), a.id());
      for (String other : joinedIds(a)) {
        parent.putIfAbsent(other, other);
        union(parent, a.id(), other);
      }
    }
    Map<String, List<Advisory>> members = new HashMap<>();
    Map<String, TreeSet<String>> ids = new HashMap<>();
    for (String id : parent.keySet()) {
      ids.computeIfAbsent(find(parent, id), k -> new TreeSet<>()).add(id);
    }
    for (Advisory a : advisories) {
      members.computeIfAbsent(find(parent, a.id()), k -> new ArrayList<>()).add(a);
    }
    Map<String, VulnerabilityGroup> byAdvisory = new HashMap<>();
    members.forEach((root, list) -> {
      List<String> groupIds = List.copyOf(ids.get(root));
      VulnerabilityGroup group = new VulnerabilityGroup(primaryOf(groupIds), groupIds, list);
      list.forEach(a -> byAdvisory.put(a.id(), group));
    });
    return byAdvisory;
  }

  private static List<String> joinedIds(Advisory a) {
    List<String> out = new ArrayList<>(a.aliases());
    out.addAll(a.upstream());
    return out;
  }

  private static String find(Map<String, String> parent, String id) {
    String root = id;
    while (!parent.get(root).equals(root)) {
      root = parent.get(root);
    }
    for (String cur = id; !cur.equals(root); ) {
      String next = parent.get(cur);
      parent.put(cur, root);
      cur = next;
    }
    return root;
  }

  private static void union(Map<String, String> parent, String a, String b) {
    String ra = find(parent, a);
    String rb = find(parent, b);
    if (!ra.equals(rb)) {
      parent.put(ra.compareTo(rb) < 0 ? rb : ra, ra.compareTo(rb) < 0 ? ra : rb);
    }
  }

  private static final Comparator<String> CVE_ORDER = Comparator
      .comparingInt((String id) -> numberAt(id, 1))
      .thenComparingInt(id -> numberAt(id, 2))
      .thenComparing(Comparator.naturalOrder());

  static String primaryOf(List<String> sortedIds) {
    List<String> cves = sortedIds.stream().filter(id -> id.startsWith("CVE-")).toList();
    if (!cves.isEmpty()) {
      return cves.stream().min(CVE_ORDER).orElseThrow();
    }
    return sortedIds.stream().filter(id -> id.startsWith("GHSA-")).findFirst().orElse(sortedIds.getFirst());
  }

  private static int numberAt(String id, int part) {
    String[] parts = id.split("-");
    try {
      return parts.length > part ? Integer.parseInt(parts[part]) : Integer.MAX_VALUE;
    } catch (NumberFormatException e) {
      return Integer.MAX_VALUE;
    }
  }

  /** Collects advisories (usable directly as an importer's sink), then {@link #build()}s the index. */
  public static final class Builder implements Consumer<Advisory> {
    private final List<Advisory> advisories = new ArrayList<>();
    private final Map<String, Advisory> byId = new HashMap<>();
    private final List<String> problems = new ArrayList<>();
    private int problemCount;

    private Builder() {}

    /** Adds a record; withdrawn ones are dropped, and a later record with the same id replaces an earlier. */
    @Override
    public void accept(Advisory advisory) {
      if (advisory.isWithdrawn()) {
        return;
      }
      Advisory previous = byId.put(advisory.id(), advisory);
      if (previous != null) {
        advisories.remove(previous);
      }
      advisories.add(advisory);
    }

    public AdvisoryIndex build() {
      return new AdvisoryIndex(this);
    }

    private void problem(Advisory advisory, AffectedPackage affected, String reason) {
      problemCount++;
      if (problems.size() < MAX_PROBLEMS_KEPT) {
        problems.add(advisory.id() + " [" + affected.ecosystem() + "/" + affected.name() + "]: " + reason);
      }
    }
  }

  // ---- evaluation ----

  /** The entries of one ecosystem by package name; {@code base} is the ecosystem without its release. */
  private record EcosystemTable(String base, Map<String, Entry[]> names) {}

  /** The installed version, parsed on first need by each ordering a range asks for. */
  private static final class InstalledVersion {
    private final VersionComparator ecosystemComparator;
    private final String text;
    private ParsedVersion ecosystemParsed;
    private ParsedVersion semverParsed;
    private boolean semverTried;

    InstalledVersion(VersionComparator ecosystemComparator, String text) {
      this.ecosystemComparator = ecosystemComparator;
      this.text = text;
    }

    ParsedVersion in(VersionComparator comparator) {
      if (comparator == ecosystemComparator) {
        if (ecosystemParsed == null) {
          ecosystemParsed = ecosystemComparator.parse(text);
        }
        return ecosystemParsed;
      }
      if (!semverTried) {
        semverTried = true;
        try {
          semverParsed = comparator.parse(text);
        } catch (InvalidVersionException e) {
          semverParsed = null;
        }
      }
      return semverParsed;
    }
  }

  private record Entry(Advisory advisory, AffectedPackage affected, VulnerabilityGroup group,
      VersionComparator comparator, CompiledRange[] ranges, String[] versionTexts, ParsedVersion[] versions) {

    /** A fix from a SEMVER range may not parse in the ecosystem's ordering: then the first fix stays. */
    private static boolean isLower(VersionComparator comparator, String candidate, String current) {
      try {
        return comparator.compare(candidate, current) < 0;
      } catch (InvalidVersionException e) {
        return false;
      }
    }

    /** When several ranges hold the version, the lowest fix any of them names is reported. */
    AffectedMatch match(InstalledVersion installed) {
      boolean hit = false;
      String fix = null;
      for (CompiledRange range : ranges) {
        ParsedVersion v = installed.in(range.comparator);
        if (v == null || !range.contains(v)) {
          continue;
        }
        hit = true;
        String rangeFix = range.fixAbove(v);
        if (rangeFix != null && (fix == null || isLower(range.comparator, rangeFix, fix))) {
          fix = rangeFix;
        }
      }
      if (!hit && versionTexts.length > 0) {
        ParsedVersion v = installed.in(comparator);
        for (int i = 0; i < versionTexts.length && !hit; i++) {
          hit = versions[i] != null ? versions[i].compareTo(v) == 0 : versionTexts[i].equals(installed.text);
        }
      }
      return hit ? new AffectedMatch(advisory, affected, group, fix) : null;
    }
  }

  /** A range with its events parsed and sorted; {@code null} version = introduced "0". */
  private static final class CompiledRange {
    final VersionComparator comparator;
    final VersionRange.EventKind[] kinds;
    final ParsedVersion[] versions;
    final String[] texts;
    final ParsedVersion[] limits;

    private CompiledRange(VersionComparator comparator, VersionRange.EventKind[] kinds, ParsedVersion[] versions,
        String[] texts, ParsedVersion[] limits) {
      this.comparator = comparator;
      this.kinds = kinds;
      this.versions = versions;
      this.texts = texts;
      this.limits = limits;
    }

    static CompiledRange of(VersionRange range, VersionComparator comparator) {
      record Parsed(VersionRange.EventKind kind, ParsedVersion version, String text) {}
      List<Parsed> events = new ArrayList<>();
      List<ParsedVersion> limits = new ArrayList<>();
      for (VersionRange.Event e : range.events()) {
        if (e.kind() == VersionRange.EventKind.LIMIT) {
          if (!e.version().equals("*")) {
            limits.add(comparator.parse(e.version()));
          }
        } else if (e.kind() == VersionRange.EventKind.INTRODUCED && e.version().equals("0")) {
          events.add(new Parsed(e.kind(), null, e.version()));
        } else {
          events.add(new Parsed(e.kind(), comparator.parse(e.version()), e.version()));
        }
      }
      // Version order; at equal versions an introduction comes first so that "introduced X, fixed X"
      // is empty, as in the OSV reference evaluation.
      events.sort((x, y) -> {
        if (x.version == null || y.version == null) {
          return x.version == y.version ? 0 : x.version == null ? -1 : 1;
        }
        int c = x.version.compareTo(y.version);
        return c != 0 ? c : Integer.compare(x.kind.ordinal(), y.kind.ordinal());
      });
      return new CompiledRange(comparator,
          events.stream().map(Parsed::kind).toArray(VersionRange.EventKind[]::new),
          events.stream().map(Parsed::version).toArray(ParsedVersion[]::new),
          events.stream().map(Parsed::text).toArray(String[]::new),
          limits.toArray(ParsedVersion[]::new));
    }

    boolean contains(ParsedVersion v) {
      if (limits.length > 0 && !belowAnyLimit(v)) {
        return false;
      }
      boolean affected = false;
      for (int i = 0; i < kinds.length; i++) {
        ParsedVersion event = versions[i];
        switch (kinds[i]) {
          case INTRODUCED -> {
            if (event == null || v.compareTo(event) >= 0) {
              affected = true;
            }
          }
          case FIXED -> {
            if (v.compareTo(event) >= 0) {
              affected = false;
            }
          }
          case LAST_AFFECTED -> {
            if (v.compareTo(event) > 0) {
              affected = false;
            }
          }
          default -> throw new IllegalStateException("limit events are kept apart");
        }
      }
      return affected;
    }

    private boolean belowAnyLimit(ParsedVersion v) {
      for (ParsedVersion limit : limits) {
        if (v.compareTo(limit) < 0) {
          return true;
        }
      }
      return false;
    }

    /** The fix closing the affected interval that holds {@code v}, or null if it ends without one. */
    String fixAbove(ParsedVersion v) {
      for (int i = 0; i < kinds.length; i++) {
        ParsedVersion event = versions[i];
        if (event == null) {
          continue;
        }
        if (kinds[i] == VersionRange.EventKind.FIXED && event.compareTo(v) > 0) {
          return texts[i];
        }
        if (kinds[i] == VersionRange.EventKind.LAST_AFFECTED && event.compareTo(v) >= 0) {
          return null;
        }
      }
      return null;
    }
  }
}
