package io.portcullis.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.auth.Principal;
import io.portcullis.events.Event;
import io.portcullis.events.EventLog;
import io.portcullis.events.EventType;
import io.portcullis.events.Subscriber;
import io.portcullis.metadata.Database;
import io.portcullis.metadata.Tx;
import io.portcullis.registry.BlobService;
import io.portcullis.registry.ManifestService;
import io.portcullis.repository.Repository;
import io.portcullis.repository.RepositoryService;
import io.portcullis.scan.ScanService;
import io.portcullis.scan.inventory.ImageInventory;
import io.portcullis.scan.inventory.InstalledPackage;
import io.portcullis.shared.Caller;
import io.portcullis.shared.Digest;
import io.portcullis.shared.MediaTypes;
import io.portcullis.shared.RegistryError;
import io.portcullis.shared.RegistryException;
import io.portcullis.shared.RepositoryName;
import io.portcullis.shared.RepositoryScope;
import io.portcullis.shared.Tag;
import io.portcullis.storage.BlobSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Promotion policies: kept per source scope in order, evaluated when a tag is pushed, when a scan of
 * the image completes and when a vulnerability database import changed its findings (as the
 * {@code promotion} subscriber of the event log), and on request against every existing tag, as a dry
 * run or for real. Dry run and apply share {@link #decide}: applying does what the dry run reports.
 * Each promotion happens once: it takes the policy's row lock and is recorded under
 * (policy, source tag, digest) in the transaction that copies the image.
 */
public final class PolicyService {
  private static final int PAGE = 500;

  private final Database db;
  private final PolicyStore store;
  private final ManifestService manifests;
  private final BlobService blobs;
  private final RepositoryService repositories;
  private final ScanService scans;
  private final EventLog events;
  private final PolicyPermissions permissions;
  private final ObjectMapper json;
  private final Clock clock;
  private final Listener listener;
  private final Candidates candidates;

  /** Told of every decision carried out and every promotion: metrics without this package knowing Prometheus. */
  public interface Listener {
    /** A decision of an evaluation that was not a dry run ({@link Decision.Outcome#wireName()}). */
    void evaluated(String outcome);

    Listener NONE = outcome -> {};
  }

  public PolicyService(Database db, PolicyStore store, ManifestService manifests, BlobService blobs,
      RepositoryService repositories, ScanService scans, EventLog events, PolicyPermissions permissions,
      ObjectMapper json, Clock clock, Listener listener) {
    this.db = db;
    this.store = store;
    this.manifests = manifests;
    this.blobs = blobs;
    this.repositories = repositories;
    this.scans = scans;
    this.events = events;
    this.permissions = permissions;
    this.json = json;
    this.clock = clock;
    this.listener = listener;
    this.candidates = new Candidates(db, manifests, scans, json, clock);
  }

  // ---- management

  /** The policies the principal may manage, by source and position. */
  public List<PromotionPolicy> list(Principal actor) {
    return db.readOnly(store::all).stream().filter(p -> permissions.mayManage(actor, p.source())).toList();
  }

  /** @throws PolicyException NOT_FOUND when there is none or the principal may not manage its source */
  public PromotionPolicy get(Principal actor, long id) {
    return db.readOnly(tx -> store.find(tx, id)).filter(p -> permissions.mayManage(actor, p.source()))
        .orElseThrow(() -> notFound(id));
  }

  /**
   * Adds a policy at {@code position} among its source's (last when null); the creator becomes its owner.
   *
   * @throws PolicyException FORBIDDEN unless the actor manages the source, may read it and may write the
   *     target; INVALID for a target inside the source or {@code {name}} without a namespace source
   */
  public PromotionPolicy create(Principal actor, Caller caller, RepositoryScope source, String name, Integer position,
      boolean enabled, PolicyDefinition definition) {
    requireAllowed(actor, source, definition);
    String label = requireName(name);
    Instant now = Instant.ofEpochMilli(clock.millis());
    return db.inTransaction(tx -> {
      int at = position == null ? store.lastPosition(tx, source.value()) + 1 : requirePosition(position);
      PromotionPolicy draft = new PromotionPolicy(0, source, at, label, enabled, definition, owner(actor), now, now);
      long id = store.insert(tx, draft);
      PromotionPolicy created = store.find(tx, id).orElseThrow();
      events.append(tx, Event.change(EventType.POLICY_CREATED, now, caller, "policy " + id, null, detail(created)));
      return created;
    });
  }

  /**
   * Replaces the policy's settings; whoever changes it becomes its owner, with the same checks as on creation.
   *
   * @throws PolicyException as {@link #create}, or NOT_FOUND
   */
  public PromotionPolicy update(Principal actor, Caller caller, long id, String name, int position, boolean enabled,
      PolicyDefinition definition) {
    PromotionPolicy current = get(actor, id);
    requireAllowed(actor, current.source(), definition);
    PromotionPolicy changed = new PromotionPolicy(id, current.source(), requirePosition(position), requireName(name),
        enabled, definition, owner(actor), current.createdAt(), Instant.ofEpochMilli(clock.millis()));
    return db.inTransaction(tx -> {
      store.lock(tx, id).orElseThrow(() -> notFound(id));
      store.update(tx, changed);
      events.append(tx, Event.change(EventType.POLICY_UPDATED, clock.instant(), caller, "policy " + id, null,
          detail(changed)));
      return changed;
    });
  }

  /** Deletes the policy with its promotion records; what it promoted stays where it was copied. */
  public void delete(Principal actor, Caller caller, long id) {
    PromotionPolicy current = get(actor, id);
    db.inTransaction(tx -> {
      if (!store.delete(tx, id)) {
        throw notFound(id);
      }
      events.append(tx, Event.change(EventType.POLICY_DELETED, clock.instant(), caller, "policy " + id, null,
          detail(current)));
      return null;
    });
  }

  /** The policy's promotions and refusals, newest first, with ids below {@code before} (0 for the newest). */
  public List<Promotion> promotions(Principal actor, long id, long before, int limit) {
    get(actor, id);
    return db.readOnly(tx -> store.promotions(tx, id, before <= 0 ? Long.MAX_VALUE : before, limit));
  }

  private void requireAllowed(Principal actor, RepositoryScope source, PolicyDefinition definition) {
    try {
      definition.requireFits(source);
    } catch (IllegalArgumentException e) {
      throw new PolicyException(PolicyException.Kind.INVALID, e.getMessage());
    }
    if (!permissions.mayManage(actor, source)) {
      throw new PolicyException(PolicyException.Kind.FORBIDDEN, "managing the policies of " + source
          + " needs admin on " + (source.isPattern() ? "namespace " + source.path() : "repository " + source));
    }
    String target = definition.target();
    boolean mayWrite;
    if (target.contains("{name}")) {
      String fixed = target.substring(0, target.indexOf("{name}")).replaceAll("/+$", "");
      mayWrite = !fixed.isEmpty() && permissions.mayManage(actor, new RepositoryScope(fixed + "/*"));
    } else {
      mayWrite = permissions.mayWrite(actor, RepositoryName.of(target));
    }
    boolean mayRead = source.isPattern() || permissions.mayRead(actor, RepositoryName.of(source.value()));
    if (!mayRead || !mayWrite) {
      throw new PolicyException(PolicyException.Kind.FORBIDDEN, "a policy's owner must read the source and write"
          + " the target: you may not " + (mayRead ? "push to " + target : "pull from " + source)
          + (target.contains("{name}") ? " (a {name} target needs admin on its namespace)" : ""));
    }
  }

  private static String requireName(String name) {
    if (name == null || name.isBlank() || name.length() > 200) {
      throw new PolicyException(PolicyException.Kind.INVALID, "name must be 1 to 200 characters");
    }
    return name.strip();
  }

  private static int requirePosition(int position) {
    if (position < 1 || position > 1_000_000) {
      throw new PolicyException(PolicyException.Kind.INVALID, "position must be from 1 to 1000000");
    }
    return position;
  }

  /** The owner as stored: without the credential it signed in with, so a promotion is not tied to one token. */
  private static Principal owner(Principal actor) {
    return new Principal(actor.subject(), actor.kind(), actor.flags());
  }

  private static Map<String, String> detail(PromotionPolicy p) {
    return Map.of("name", p.name(), "source", p.source().value(), "target", p.definition().target(),
        "tagTemplate", p.definition().tagTemplate().template(), "enabled", String.valueOf(p.enabled()),
        "owner", p.owner().subject());
  }

  private static PolicyException notFound(long id) {
    return new PolicyException(PolicyException.Kind.NOT_FOUND, "no policy " + id);
  }

  // ---- evaluation

  /**
   * Evaluates the policy against every tag of its source repositories now: with {@code dryRun} nothing
   * changes and the decisions say what applying would do; otherwise the promotions are carried out and
   * the decisions say what was done. A disabled policy can be dry-run but not applied.
   */
  public List<Decision> apply(Principal actor, long id, boolean dryRun) {
    PromotionPolicy policy = get(actor, id);
    if (!dryRun && !policy.enabled()) {
      throw new PolicyException(PolicyException.Kind.INVALID, "policy " + id + " is disabled; enable it or dry-run it");
    }
    List<Decision> decisions = new ArrayList<>();
    for (RepositoryName repository : sourceRepositories(policy.source())) {
      decisions.addAll(evaluate(policy, repository, allTags(repository), dryRun));
    }
    return decisions;
  }

  private List<RepositoryName> sourceRepositories(RepositoryScope source) {
    if (!source.isPattern()) {
      RepositoryName name = RepositoryName.of(source.value());
      return repositories.find(name).isPresent() ? List.of(name) : List.of();
    }
    List<RepositoryName> names = new ArrayList<>();
    String after = source.path() + "/";
    while (true) {
      List<Repository> page = repositories.list(after, PAGE, r -> true);
      boolean more = page.size() > PAGE;
      for (Repository r : page.subList(0, Math.min(PAGE, page.size()))) {
        if (!r.name().value().startsWith(source.path() + "/")) {
          return names;
        }
        names.add(r.name());
        after = r.name().value();
      }
      if (!more) {
        return names;
      }
    }
  }

  private List<Tag> allTags(RepositoryName repository) {
    List<Tag> tags = new ArrayList<>();
    String last = null;
    while (true) {
      List<String> page;
      try {
        page = manifests.tags(repository, last, PAGE);
      } catch (RegistryException gone) {
        return tags;
      }
      page.stream().limit(PAGE).forEach(t -> tags.add(new Tag(t)));
      if (page.size() <= PAGE) {
        return tags;
      }
      last = page.get(PAGE - 1);
    }
  }

  /** Decides for each tag and, unless a dry run, carries the decisions out in order. */
  private List<Decision> evaluate(PromotionPolicy policy, RepositoryName repository, List<Tag> tags, boolean dryRun) {
    long promoted = db.readOnly(tx -> store.promotedCount(tx, policy.id()));
    List<Decision> decisions = new ArrayList<>();
    for (Tag tag : tags) {
      Plan plan = decide(policy, repository, tag, promoted + 1);
      Decision decision = plan.decision();
      if (!dryRun) {
        decision = carryOut(policy, plan);
        listener.evaluated(decision.outcome().wireName());
      }
      if (decision.outcome() == Decision.Outcome.PROMOTE) {
        promoted++;
      }
      decisions.add(decision);
    }
    return decisions;
  }

  /** A decision with what its target tag was made of, should {@code {n}} have moved on by the time it is carried out. */
  private record Plan(Decision decision, TagTemplate.Values values) {}

  /** What the policy does with the tag as it is now, {@code n} being the number the next promotion gets. */
  private Plan decide(PromotionPolicy policy, RepositoryName repository, Tag tag, long n) {
    PolicyDefinition definition = policy.definition();
    Optional<Candidate> loaded = candidates.load(repository, tag, definition.needsScan());
    if (loaded.isEmpty()) {
      return plan(new Decision(policy.id(), policy.name(), repository, tag, null, null, null, Decision.Outcome.SKIP,
          List.of("tag no longer exists")));
    }
    Candidate candidate = loaded.get();
    List<String> reasons = new ArrayList<>();
    boolean holds = true;
    for (Criterion criterion : definition.criteria()) {
      Criterion.Check check = criterion.check(candidate);
      holds &= check.passed();
      reasons.add((check.passed() ? "pass: " : "fail: ") + check.reason());
    }
    if (!holds) {
      return plan(new Decision(policy.id(), policy.name(), repository, tag, candidate.digest(), null, null,
          Decision.Outcome.SKIP, reasons));
    }
    RepositoryName target = definition.targetFor(policy.source(), repository);
    Optional<Promotion> earlier = db.readOnly(tx -> store.promotion(tx, policy.id(), repository, tag, candidate.digest()));
    if (earlier.isPresent() && earlier.get().state() == Promotion.State.PROMOTED) {
      reasons.add("promoted to " + earlier.get().target() + ":" + earlier.get().targetTag().value() + " at "
          + earlier.get().at());
      return plan(new Decision(policy.id(), policy.name(), repository, tag, candidate.digest(), earlier.get().target(),
          earlier.get().targetTag(), Decision.Outcome.ALREADY_PROMOTED, reasons));
    }
    TagTemplate template = definition.tagTemplate();
    TagTemplate.Values values = new TagTemplate.Values(tag.value(), candidate.digest().hex(), candidate.now(),
        template.usesPlatform() ? platform(candidate) : "", n);
    Optional<Tag> targetTag = template.apply(values);
    if (targetTag.isEmpty()) {
      reasons.add("tag template '" + template.template() + "' makes no valid tag for " + tag.value());
      return plan(new Decision(policy.id(), policy.name(), repository, tag, candidate.digest(), target, null,
          Decision.Outcome.REFUSE, reasons));
    }
    Decision promote = new Decision(policy.id(), policy.name(), repository, tag, candidate.digest(), target,
        targetTag.get(), Decision.Outcome.PROMOTE, reasons);
    Optional<String> refusal = refusal(policy, repository, target, targetTag.get(), candidate.digest());
    return new Plan(refusal.map(r -> promote.with(Decision.Outcome.REFUSE, r))
        .orElseGet(() -> promote.with(Decision.Outcome.PROMOTE, "copy to " + target + ":" + targetTag.get().value())),
        values);
  }

  private static Plan plan(Decision decision) {
    return new Plan(decision, null);
  }

  /** Why the owner's copy would be refused now, if it would: permissions, then the target tag's protection. */
  private Optional<String> refusal(PromotionPolicy policy, RepositoryName source, RepositoryName target, Tag tag,
      Digest digest) {
    Principal owner = policy.owner();
    if (!permissions.mayRead(owner, source)) {
      return Optional.of("owner " + owner.subject() + " may no longer pull from " + source);
    }
    if (!permissions.mayWrite(owner, target)) {
      return Optional.of("owner " + owner.subject() + " may not push to " + target);
    }
    return db.readOnly(tx -> {
      Optional<Digest> current = manifests.tagDigest(tx, target, tag);
      if (current.isEmpty() || current.get().equals(digest)) {
        return Optional.<String>empty();
      }
      try {
        repositories.requireTagMutable(tx, target, tag);
        return Optional.<String>empty();
      } catch (RegistryException e) {
        return Optional.of(e.getMessage());
      }
    });
  }

  /** Carries a decision out: a promotion (once), or the record of a refusal; other decisions change nothing. */
  private Decision carryOut(PromotionPolicy policy, Plan plan) {
    Decision decision = plan.decision();
    return switch (decision.outcome()) {
      case PROMOTE -> promote(policy, plan);
      case REFUSE -> {
        recordRefusal(policy, decision, decision.reasons().getLast());
        yield decision;
      }
      case ALREADY_PROMOTED, SKIP -> decision;
    };
  }

  private Decision promote(PromotionPolicy policy, Plan plan) {
    Caller caller = new Caller(policy.owner().subject(), "local", "policy-" + policy.id());
    Decision planned = plan.decision();
    try {
      return db.inTransaction(tx -> {
        if (store.lock(tx, policy.id()).filter(PromotionPolicy::enabled).isEmpty()) {
          return planned.with(Decision.Outcome.SKIP, "policy deleted or disabled meanwhile");
        }
        Optional<Promotion> earlier = store.promotion(tx, policy.id(), planned.repository(), planned.tag(),
            planned.digest());
        if (earlier.isPresent() && earlier.get().state() == Promotion.State.PROMOTED) {
          return new Decision(planned.policyId(), planned.policyName(), planned.repository(), planned.tag(),
              planned.digest(), earlier.get().target(), earlier.get().targetTag(), Decision.Outcome.ALREADY_PROMOTED,
              planned.reasons());
        }
        Decision d = numbered(tx, policy, plan);
        manifests.copy(tx, d.repository(), d.digest(), d.target(), d.targetTag(), policy.definition().referrers(),
            caller);
        Instant at = Instant.ofEpochMilli(clock.millis());
        store.record(tx, new Promotion(0, policy.id(), d.repository(), d.tag(), d.digest(), d.target(), d.targetTag(),
            Promotion.State.PROMOTED, null, at));
        events.append(tx, new Event(0, EventType.IMAGE_PROMOTED, at, caller, d.target(), d.digest(), d.targetTag(),
            null, "policy " + policy.id(), Map.of("policy", Long.toString(policy.id()), "policyName", policy.name(),
                "source", d.repository() + ":" + d.tag().value())));
        return d;
      });
    } catch (RegistryException e) {
      Decision refused = planned.with(Decision.Outcome.REFUSE, e.getMessage());
      recordRefusal(policy, refused, e.getMessage());
      return refused;
    }
  }

  /** Records (and announces) a refusal unless the same one is recorded, or the image was promoted meanwhile. */
  private void recordRefusal(PromotionPolicy policy, Decision d, String reason) {
    db.inTransaction(tx -> {
      Optional<Promotion> earlier = store.promotion(tx, policy.id(), d.repository(), d.tag(), d.digest());
      if (earlier.isPresent() && (earlier.get().state() == Promotion.State.PROMOTED
          || reason.equals(earlier.get().reason()))) {
        return null;
      }
      Instant at = Instant.ofEpochMilli(clock.millis());
      Tag targetTag = d.targetTag() == null ? d.tag() : d.targetTag();
      store.record(tx, new Promotion(0, policy.id(), d.repository(), d.tag(), d.digest(), d.target(), targetTag,
          Promotion.State.REFUSED, reason, at));
      events.append(tx, new Event(0, EventType.PROMOTION_REFUSED, at, Caller.SYSTEM, d.target(), d.digest(), targetTag,
          null, "policy " + policy.id(), Map.of("policy", Long.toString(policy.id()), "policyName", policy.name(),
              "source", d.repository() + ":" + d.tag().value(), "reason", reason)));
      return null;
    });
  }

  /**
   * The decision with {@code {n}} as it is under the policy's lock: a concurrent evaluation may have
   * promoted meanwhile, and two promotions must not get one number.
   */
  private Decision numbered(Tx tx, PromotionPolicy policy, Plan plan) {
    Decision d = plan.decision();
    TagTemplate template = policy.definition().tagTemplate();
    if (!template.usesCount()) {
      return d;
    }
    TagTemplate.Values v = plan.values();
    long n = store.promotedCount(tx, policy.id()) + 1;
    Tag tag = template.apply(new TagTemplate.Values(v.tag(), v.digestHex(), v.at(), v.platform(), n))
        .orElseThrow(() -> RegistryError.TAG_INVALID.exception("tag template '" + template.template()
            + "' makes no valid tag for " + d.tag().value() + " with {n} = " + n));
    return tag.equals(d.targetTag()) ? d : new Decision(d.policyId(), d.policyName(), d.repository(), d.tag(), d.digest(),
        d.target(), tag, d.outcome(), d.reasons().subList(0, d.reasons().size() - 1))
        .with(Decision.Outcome.PROMOTE, "copy to " + d.target() + ":" + tag.value());
  }

  /** {@code os-arch[-variant]} of an image, from its config; {@code multi} for an index. */
  private String platform(Candidate c) {
    if (MediaTypes.isIndex(c.mediaType())) {
      return "multi";
    }
    try {
      ManifestService.Manifest manifest = manifests.get(c.repository(), new ManifestService.ByDigest(c.digest()), false,
          Caller.SYSTEM);
      Digest config = Digest.parse(json.readTree(manifest.payload()).path("config").path("digest").asText());
      JsonNode image;
      try (InputStream in = open(blobs.open(c.repository(), config))) {
        image = json.readTree(in.readNBytes(4 << 20));
      }
      String variant = image.path("variant").asText("");
      return image.path("os").asText("unknown") + "-" + image.path("architecture").asText("unknown")
          + (variant.isEmpty() ? "" : "-" + variant);
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static InputStream open(BlobSource source) throws IOException {
    return switch (source) {
      case BlobSource.LocalFile file -> Files.newInputStream(file.path());
      case BlobSource.Stream stream -> stream.stream();
      case BlobSource.Redirect redirect -> redirect.location().toURL().openStream();
    };
  }

  /** The tag as it is now, with the stored scans of its images when the policy reads them. */
  // ---- triggers

  /** The event log subscriber that runs the policies on pushes, finished scans and changed findings. */
  public Subscriber subscriber() {
    return new Triggers();
  }

  /**
   * Evaluates the enabled policies of the event's repository for the tags it concerns: the pushed tag,
   * or every tag reaching the scanned (or re-matched) manifest. Delivered at least once, which is safe:
   * a promotion already made is found recorded.
   */
  private final class Triggers implements Subscriber {
    @Override
    public String name() {
      return "promotion";
    }

    @Override
    public boolean wants(EventType type) {
      return type == EventType.TAG_PUSHED || type == EventType.SCAN_SUCCEEDED
          || type == EventType.VULNERABILITIES_CHANGED;
    }

    @Override
    public void handle(List<Event> batch) {
      List<PromotionPolicy> enabled = db.readOnly(store::all).stream().filter(PromotionPolicy::enabled)
          .sorted(Comparator.comparingInt(PromotionPolicy::position).thenComparingLong(PromotionPolicy::id)).toList();
      if (enabled.isEmpty()) {
        return;
      }
      for (Event event : batch) {
        if (event.repository() == null) {
          continue;
        }
        // A scan is one per digest, named after the repository whose push queued it: every repository
        // holding the image learns of it here (their own pushes found no scan yet).
        List<RepositoryName> repositories = event.type() == EventType.SCAN_SUCCEEDED
            ? db.readOnly(tx -> manifests.repositoriesWith(tx, event.digest())) : List.of(event.repository());
        for (RepositoryName repository : repositories) {
          run(enabled, event, repository);
        }
      }
    }

    private void run(List<PromotionPolicy> enabled, Event event, RepositoryName repository) {
      List<PromotionPolicy> policies = enabled.stream().filter(p -> p.source().contains(repository)).toList();
      if (policies.isEmpty()) {
        return;
      }
      List<Tag> tags = event.type() == EventType.TAG_PUSHED ? List.of(event.tag())
          : db.readOnly(tx -> manifests.tagsReaching(tx, repository, event.digest()));
      for (PromotionPolicy policy : policies) {
        // A push waits for the scan when the policy reads one: the scan's own event brings it back.
        if (event.type() == EventType.TAG_PUSHED && policy.definition().needsScan()
            && scans.result(event.digest().toString()).isEmpty()) {
          continue;
        }
        evaluate(policy, repository, tags, false);
      }
    }
  }
}
