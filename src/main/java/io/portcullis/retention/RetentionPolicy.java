package io.portcullis.retention;

import io.portcullis.policy.Candidate;
import io.portcullis.policy.Criterion;
import io.portcullis.registry.ManifestService.TaggedManifest;
import io.portcullis.shared.Glob;
import io.portcullis.shared.RepositoryName;
import io.portcullis.shared.Tag;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A repository's pruning policy. It looks at the tags {@code include} selects (all when empty) and
 * {@code exclude} does not; of those, a tag is pruned when it is not among the {@code keepNewest}
 * most recently tagged ones (when {@code keepNewest} is set) and was tagged longer than
 * {@code olderThan} ago (when set). Each tag is judged on its own: tags sharing a manifest do not
 * protect or doom each other, and pruning removes tags, never a manifest another tag still names.
 *
 * @param keepNewest tags kept by recency; 0 when the policy prunes by age alone
 * @param olderThan  only tags older than this are pruned; null when the policy prunes by count alone
 * @param criteria   the promotion policies' criteria (policies.md), all of which a tag's image must
 *                   meet to be pruned: "critical vulnerabilities ≥ 1", "scan older than P30D"
 * @param afterPush  whether a push to the repository runs the policy
 * @param interval   how often it runs on its own; null for never (after pushes and on demand only)
 */
public record RetentionPolicy(RepositoryName repository, List<String> include, List<String> exclude, int keepNewest,
    Duration olderThan, List<Criterion> criteria, boolean afterPush, Duration interval, boolean enabled,
    Instant updatedAt, String updatedBy) {
  public static final int MAX_GLOBS = 64;
  public static final int MAX_GLOB_LENGTH = 256;
  public static final Duration MIN_INTERVAL = Duration.ofMinutes(5);

  public RetentionPolicy {
    include = List.copyOf(include);
    exclude = List.copyOf(exclude);
    criteria = List.copyOf(criteria);
    for (String glob : concat(include, exclude)) {
      if (glob.isEmpty() || glob.length() > MAX_GLOB_LENGTH) {
        throw new IllegalArgumentException("tag globs are 1 to " + MAX_GLOB_LENGTH + " characters");
      }
    }
    if (include.size() > MAX_GLOBS || exclude.size() > MAX_GLOBS) {
      throw new IllegalArgumentException("at most " + MAX_GLOBS + " include and " + MAX_GLOBS + " exclude globs");
    }
    if (keepNewest < 0) {
      throw new IllegalArgumentException("keepNewest must be 0 or more, not " + keepNewest);
    }
    if (olderThan != null && (olderThan.isNegative() || olderThan.isZero())) {
      throw new IllegalArgumentException("olderThan must be a positive duration");
    }
    if (keepNewest == 0 && olderThan == null && criteria.isEmpty()) {
      throw new IllegalArgumentException("a pruning policy needs keepNewest, olderThan or criteria: without any "
          + "it would prune every tag it selects");
    }
    if (interval != null && interval.compareTo(MIN_INTERVAL) < 0) {
      throw new IllegalArgumentException("interval must be at least " + MIN_INTERVAL);
    }
  }

  /** What the policy does with one tag, and why. */
  public record Verdict(TaggedManifest tagged, boolean prune, String reason) {}

  /**
   * Every tag's verdict, newest first. {@code immutable} names the tags the repository protects:
   * they are kept whatever the rules say, and said to be. {@code candidates} loads a tag as the
   * criteria judge it, asked only for tags the other rules would prune.
   */
  public List<Verdict> evaluate(List<TaggedManifest> tags, Predicate<Tag> immutable, Instant now,
      Function<Tag, Optional<Candidate>> candidates) {
    List<Pattern> includes = include.stream().map(Glob::compile).toList();
    List<Pattern> excludes = exclude.stream().map(Glob::compile).toList();
    List<TaggedManifest> newestFirst = new ArrayList<>(tags);
    // Ties on time break by name, so a dry run and the run after it rank the same tags alike.
    newestFirst.sort(Comparator.comparing(TaggedManifest::taggedAt).reversed()
        .thenComparing(t -> t.tag().value()));
    List<Verdict> verdicts = new ArrayList<>();
    int rank = 0;
    for (TaggedManifest t : newestFirst) {
      String name = t.tag().value();
      if (!includes.isEmpty() && includes.stream().noneMatch(p -> p.matcher(name).matches())) {
        verdicts.add(new Verdict(t, false, "not selected: matches no include glob"));
        continue;
      }
      if (excludes.stream().anyMatch(p -> p.matcher(name).matches())) {
        verdicts.add(new Verdict(t, false, "not selected: matches an exclude glob"));
        continue;
      }
      rank++;
      if (keepNewest > 0 && rank <= keepNewest) {
        verdicts.add(new Verdict(t, false, "kept: number " + rank + " of the " + keepNewest + " newest"));
        continue;
      }
      if (olderThan != null && !t.taggedAt().isBefore(now.minus(olderThan))) {
        verdicts.add(new Verdict(t, false, "kept: tagged " + t.taggedAt() + ", within " + olderThan));
        continue;
      }
      if (immutable.test(t.tag())) {
        verdicts.add(new Verdict(t, false, "kept: the tag is immutable"));
        continue;
      }
      List<String> why = new ArrayList<>();
      if (keepNewest > 0) {
        why.add("number " + rank + ", beyond the " + keepNewest + " newest");
      }
      if (olderThan != null) {
        why.add("tagged " + t.taggedAt() + ", more than " + olderThan + " ago");
      }
      Optional<String> unmet = criteria.isEmpty() ? Optional.empty() : judge(candidates.apply(t.tag()), why);
      if (unmet.isPresent()) {
        verdicts.add(new Verdict(t, false, "kept: " + unmet.get()));
        continue;
      }
      verdicts.add(new Verdict(t, true, "pruned: " + String.join(", and ", why)));
    }
    return verdicts;
  }

  /** The first criterion the tag's image does not meet; the met ones are added to {@code why}. */
  private Optional<String> judge(Optional<Candidate> candidate, List<String> why) {
    if (candidate.isEmpty()) {
      return Optional.of("the tag went while it was judged");
    }
    for (Criterion criterion : criteria) {
      Criterion.Check check = criterion.check(candidate.get());
      if (!check.passed()) {
        return Optional.of(check.reason());
      }
      why.add(check.reason());
    }
    return Optional.empty();
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
