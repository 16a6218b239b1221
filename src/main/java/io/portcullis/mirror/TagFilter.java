package io.portcullis.mirror;

import io.portcullis.shared.Glob;
import io.portcullis.shared.Tag;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which upstream tags a mirror copies. Every part that is set must hold: the tag matches one of the
 * {@code include} globs (all tags when there is none) and none of the {@code exclude} globs, matches
 * {@code regex} as a whole, reads as a version inside {@code semver}; of what is left, {@code newest}
 * keeps only the N highest versions (tags that are not versions are then dropped, since they have no
 * place in the order).
 *
 * <p>Globs: {@code *} is any run of characters, {@code ?} one character; nothing else is special.
 *
 * @param newest 0 for no limit
 */
public record TagFilter(List<String> include, List<String> exclude, String regex, String semver, int newest) {
  public static final TagFilter ALL = new TagFilter(List.of(), List.of(), null, null, 0);
  /** Longest expression of any kind accepted. */
  static final int MAX_EXPRESSION = 512;

  /** @throws IllegalArgumentException naming the part that is not valid */
  public TagFilter {
    include = List.copyOf(include == null ? List.of() : include);
    exclude = List.copyOf(exclude == null ? List.of() : exclude);
    regex = blankToNull(regex);
    semver = blankToNull(semver);
    for (String glob : concat(include, exclude)) {
      if (glob.isBlank() || glob.length() > MAX_EXPRESSION) {
        throw new IllegalArgumentException("tag glob '" + glob + "' must be 1 to " + MAX_EXPRESSION + " characters");
      }
    }
    if (regex != null) {
      if (regex.length() > MAX_EXPRESSION) {
        throw new IllegalArgumentException("tag regex is longer than " + MAX_EXPRESSION + " characters");
      }
      try {
        Pattern.compile(regex);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("tag regex is not valid: " + e.getDescription() + " at index "
            + e.getIndex());
      }
    }
    if (semver != null) {
      if (semver.length() > MAX_EXPRESSION) {
        throw new IllegalArgumentException("semver range is longer than " + MAX_EXPRESSION + " characters");
      }
      SemVer.range(semver);
    }
    if (newest < 0) {
      throw new IllegalArgumentException("newest must be 0 (no limit) or more, not " + newest);
    }
  }

  /** The tags to copy, in the order given (newest first when {@code newest} is set); invalid tag names go. */
  public List<String> apply(List<String> tags) {
    List<Pattern> includes = include.stream().map(Glob::compile).toList();
    List<Pattern> excludes = exclude.stream().map(Glob::compile).toList();
    Pattern pattern = regex == null ? null : Pattern.compile(regex);
    Predicate<SemVer> range = semver == null ? null : SemVer.range(semver);
    List<String> kept = new ArrayList<>();
    for (String tag : tags) {
      if (!Tag.isValid(tag)
          || (!includes.isEmpty() && includes.stream().noneMatch(p -> p.matcher(tag).matches()))
          || excludes.stream().anyMatch(p -> p.matcher(tag).matches())
          || (pattern != null && !pattern.matcher(tag).matches())) {
        continue;
      }
      if (range != null) {
        Optional<SemVer> version = SemVer.parse(tag);
        if (version.isEmpty() || !range.test(version.get())) {
          continue;
        }
      }
      kept.add(tag);
    }
    if (newest == 0) {
      return kept;
    }
    return kept.stream().filter(t -> SemVer.parse(t).isPresent())
        .sorted(Comparator.comparing((String t) -> SemVer.parse(t).orElseThrow()).reversed()
            .thenComparing(Comparator.naturalOrder()))
        .limit(newest)
        .toList();
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
