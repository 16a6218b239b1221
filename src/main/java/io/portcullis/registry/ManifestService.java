package io.portcullis.registry;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.portcullis.events.Event;
import io.portcullis.events.EventLog;
import io.portcullis.events.EventType;
import io.portcullis.metadata.Database;
import io.portcullis.metadata.Tx;
import io.portcullis.repository.RepositoryDeletionParticipant;
import io.portcullis.repository.RepositoryService;
import io.portcullis.shared.Caller;
import io.portcullis.shared.Digest;
import io.portcullis.shared.MediaTypes;
import io.portcullis.shared.RegistryError;
import io.portcullis.shared.RegistryException;
import io.portcullis.shared.RepositoryName;
import io.portcullis.shared.Tag;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Manifests, tags and referrers. Repositories themselves are the repository domain's: a push creates its
 * repository there, and every tag move or removal first asks it whether the tag may change. As a
 * {@link RepositoryDeletionParticipant} it removes a deleted repository's manifests and tags.
 */
public final class ManifestService implements RepositoryDeletionParticipant {
  /** Largest manifest accepted, as distribution and the OCI spec's recommendation. */
  public static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
  /** Largest page a client may ask for. */
  public static final int MAX_PAGE = 10_000;

  private final Database db;
  private final ManifestStore store;
  private final BlobService blobs;
  private final RepositoryService repositories;
  private final EventLog events;
  private final Clock clock;
  /**
   * Manifests by repository and digest: content-addressed, so an entry never goes stale, only absent.
   * Deleting here drops the entry at once; another replica's delete shows within the TTL.
   */
  private final Cache<String, Manifest> byDigest = Caffeine.newBuilder()
      .maximumWeight(64L << 20).<String, Manifest>weigher((k, m) -> m.payload().length + 64)
      .expireAfterWrite(Duration.ofSeconds(10)).build();
  /**
   * Tag resolutions, briefly: pulls by tag come in bursts. Pushes and deletes here update it at once;
   * a tag moved through another replica is seen here within the TTL.
   */
  private final Cache<String, Digest> tagDigests = Caffeine.newBuilder().maximumSize(100_000)
      .expireAfterWrite(Duration.ofSeconds(2)).build();

  public ManifestService(Database db, ManifestStore store, BlobService blobs, RepositoryService repositories,
      EventLog events, Clock clock) {
    this.db = db;
    this.store = store;
    this.blobs = blobs;
    this.repositories = repositories;
    this.events = events;
    this.clock = clock;
  }

  /** A stored manifest with its exact bytes. */
  public record Manifest(Digest digest, String mediaType, long size, byte[] payload) {}

  /** Result of a push: the digest and the subject, if the manifest has one. */
  public record Pushed(Digest digest, Digest subject) {}

  /** A tag or a digest, as the {@code <reference>} of a manifest URL. */
  public sealed interface Reference {
    static Reference parse(String text) {
      if (Digest.looksLikeDigest(text)) {
        return new ByDigest(Digest.parse(text));
      }
      return new ByTag(new Tag(text));
    }

    /**
     * The reference of a read or delete. Only a push validates the grammar: text that is neither a tag
     * nor a digest names no manifest there can be, so it is reported unknown, as the spec requires.
     */
    static Reference lookup(String text) {
      try {
        return parse(text);
      } catch (RegistryException e) {
        throw RegistryError.MANIFEST_UNKNOWN.exception("no manifest has the reference given");
      }
    }
  }

  public record ByDigest(Digest digest) implements Reference {}

  public record ByTag(Tag tag) implements Reference {}

  /** A manifest by tag or digest; {@code pulled} records a pull (GET, not HEAD) in the event log. */
  public Manifest get(RepositoryName repository, Reference reference, boolean pulled, Caller caller) {
    Optional<Digest> digest = switch (reference) {
      case ByTag t -> resolveTag(repository, t.tag());
      case ByDigest d -> Optional.of(d.digest());
    };
    Manifest manifest = digest.flatMap(d -> byDigest(repository, d))
        .orElseThrow(() -> RegistryError.MANIFEST_UNKNOWN.exception(describe(reference)));
    if (pulled) {
      recordPull(repository, reference, manifest, caller);
    }
    return manifest;
  }

  /** Records a pull of {@code manifest} (found by {@code reference}) in the event log, for a caller that checked it first. */
  public void recordPull(RepositoryName repository, Reference reference, Manifest manifest, Caller caller) {
    java.time.Instant at = clock.instant();
    Tag tag = reference instanceof ByTag t ? t.tag() : null;
    events.appendRead(Event.of(EventType.MANIFEST_PULLED, at, caller, repository, manifest.digest(), tag,
        manifest.mediaType()));
    if (tag != null) {
      events.appendRead(Event.of(EventType.TAG_PULLED, at, caller, repository, manifest.digest(), tag,
          manifest.mediaType()));
    }
  }

  private Optional<Digest> resolveTag(RepositoryName repository, Tag tag) {
    String key = tagKey(repository, tag);
    Digest cached = tagDigests.getIfPresent(key);
    if (cached != null) {
      return Optional.of(cached);
    }
    Optional<Digest> digest = db.readOnly(tx -> store.tagDigest(tx, repository, tag));
    digest.ifPresent(d -> tagDigests.put(key, d));
    return digest;
  }

  private Optional<Manifest> byDigest(RepositoryName repository, Digest digest) {
    String key = manifestKey(repository, digest);
    Manifest cached = byDigest.getIfPresent(key);
    if (cached != null) {
      return Optional.of(cached);
    }
    Optional<Manifest> stored = db.readOnly(tx -> store.manifest(tx, repository, digest));
    stored.ifPresent(m -> byDigest.put(key, m));
    return stored;
  }

  /**
   * Stores a manifest after checking that everything it references is in the repository, and points
   * the tag at it when the reference is a tag. Atomic: on any failure nothing changes.
   *
   * @throws RegistryException {@link RegistryError#TAG_IMMUTABLE} when the tag points at another manifest
   *     and the repository protects it
   */
  public Pushed put(RepositoryName repository, Reference reference, String contentType, byte[] payload,
      Caller caller) {
    if (payload.length > MAX_MANIFEST_BYTES) {
      throw RegistryError.MANIFEST_TOO_LARGE.exception("limit is " + MAX_MANIFEST_BYTES + " bytes");
    }
    String algorithm = reference instanceof ByDigest d ? d.digest().algorithm() : Digest.SHA256;
    ParsedManifest manifest = ManifestParser.parse(contentType, payload, algorithm);
    if (reference instanceof ByDigest d && !d.digest().equals(manifest.digest())) {
      throw RegistryError.DIGEST_INVALID.exception("manifest hashes to " + manifest.digest());
    }
    Tag tag = reference instanceof ByTag t ? t.tag() : null;
    Instant at = clock.instant();
    long now = at.toEpochMilli();
    db.inTransaction(tx -> {
      verifyReferences(tx, repository, manifest);
      repositories.ensure(tx, repository, caller);
      // Held once it is there: a collector deleting the (untagged) manifest right now makes this wait,
      // and then it is stored again instead of a tag pointing at nothing.
      if (!store.insertManifest(tx, repository, manifest, now) && !store.holdManifest(tx, repository, manifest.digest())) {
        store.insertManifest(tx, repository, manifest, now);
      }
      events.append(tx, Event.of(EventType.MANIFEST_PUSHED, at, caller, repository, manifest.digest(), tag,
          manifest.mediaType()));
      if (tag != null) {
        Optional<Digest> previous = store.createTag(tx, repository, tag, manifest.digest(), now);
        if (previous.isPresent()) {
          if (!previous.get().equals(manifest.digest())) {
            repositories.requireTagMutable(tx, repository, tag);
          }
          store.moveTag(tx, repository, tag, manifest.digest(), now);
        }
        events.append(tx, Event.of(EventType.TAG_PUSHED, at, caller, repository, manifest.digest(), tag,
            manifest.mediaType()));
      }
      return null;
    });
    if (tag != null) {
      tagDigests.put(tagKey(repository, tag), manifest.digest());
    }
    return new Pushed(manifest.digest(), manifest.subject() == null ? null : manifest.subject().digest());
  }

  /**
   * Copies a manifest from one repository to another in the caller's transaction, as a promotion does:
   * an index with every child manifest, optionally with the manifests that refer to it (signatures,
   * SBOMs), the blobs mounted into the target (linked, not stored again; quotas judge each new link), so every digest stays what it was;
   * then points {@code tag} at it. The target tag is checked first ({@link RepositoryService#requireTagMutable});
   * a refusal throws, so the caller's transaction rolls back whatever was written. Records {@code manifest.pushed} for each manifest new to the target and
   * {@code tag.pushed} unless the tag already pointed at it. Returns whether the tag changed.
   *
   * @throws RegistryException {@link RegistryError#MANIFEST_UNKNOWN} when the source lacks the manifest,
   *     {@link RegistryError#TAG_IMMUTABLE} when the target tag points elsewhere and is protected
   */
  public boolean copy(Tx tx, RepositoryName source, Digest digest, RepositoryName target, Tag tag,
      boolean withReferrers, Caller caller) {
    Optional<Digest> previous = store.lockTag(tx, target, tag);
    if (previous.isPresent() && previous.get().equals(digest)) {
      return false;
    }
    if (previous.isPresent()) {
      repositories.requireTagMutable(tx, target, tag);
    }
    Instant at = clock.instant();
    long now = at.toEpochMilli();
    repositories.ensure(tx, target, caller);
    ParsedManifest top = copyTree(tx, source, digest, target, caller, at);
    if (withReferrers) {
      for (Referrer referrer : store.referrers(tx, source, digest)) {
        copyTree(tx, source, Digest.parse(referrer.digest()), target, caller, at);
      }
    }
    Optional<Digest> raced = store.createTag(tx, target, tag, digest, now);
    if (raced.isPresent()) {
      // Created by a transaction that committed after the first look: checked again, the refusal rolls back.
      if (!raced.get().equals(digest)) {
        repositories.requireTagMutable(tx, target, tag);
      }
      store.moveTag(tx, target, tag, digest, now);
    }
    events.append(tx, Event.of(EventType.TAG_PUSHED, at, caller, target, digest, tag, top.mediaType()));
    tx.afterCommit(() -> tagDigests.put(tagKey(target, tag), digest));
    return true;
  }

  /** The manifest and, for an index, its children first, each with its blobs linked; the parsed top manifest. */
  private ParsedManifest copyTree(Tx tx, RepositoryName source, Digest digest, RepositoryName target, Caller caller,
      Instant at) {
    Manifest stored = store.manifest(tx, source, digest)
        .orElseThrow(() -> RegistryError.MANIFEST_UNKNOWN.exception(source + "@" + digest));
    ParsedManifest parsed = ManifestParser.parse(stored.mediaType(), stored.payload(), digest.algorithm());
    if (store.holdManifest(tx, target, digest)) {
      return parsed;
    }
    for (Descriptor child : parsed.children()) {
      copyTree(tx, source, child.digest(), target, caller, at);
    }
    for (Descriptor blob : parsed.blobs()) {
      if (blob.foreign()) {
        continue;
      }
      // Held, not just read: garbage collection must not unlink it before the copy references it.
      if (blobs.holdLinked(tx, target, blob.digest()).isEmpty()
          && !blobs.mount(tx, target, source, blob.digest(), caller)) {
        throw RegistryError.MANIFEST_BLOB_UNKNOWN.exception(blob.digest() + " of " + source + "@" + digest);
      }
    }
    store.insertManifest(tx, target, parsed, at.toEpochMilli());
    events.append(tx, Event.of(EventType.MANIFEST_PUSHED, at, caller, target, digest, null, parsed.mediaType()));
    return parsed;
  }

  /** The manifest as {@code tx} sees it, for another domain's work in its own transaction. */
  public Optional<Manifest> find(Tx tx, RepositoryName repository, Digest digest) {
    return store.manifest(tx, repository, digest);
  }

  /** The repositories holding the manifest, as {@code tx} sees them. */
  public List<RepositoryName> repositoriesWith(Tx tx, Digest digest) {
    return store.repositoriesWith(tx, digest);
  }

  /** The tags of the repository that point at the manifest or at an index listing it, as {@code tx} sees them. */
  public List<Tag> tagsReaching(Tx tx, RepositoryName repository, Digest digest) {
    return store.tagsReaching(tx, repository, digest);
  }

  /** The manifest a tag points at, as {@code tx} sees it. */
  public Optional<Digest> tagDigest(Tx tx, RepositoryName repository, Tag tag) {
    return store.tagDigest(tx, repository, tag);
  }

  private void verifyReferences(Tx tx, RepositoryName repository, ParsedManifest manifest) {
    for (Descriptor blob : manifest.blobs()) {
      if (blob.foreign()) {
        continue;
      }
      var size = blobs.holdLinked(tx, repository, blob.digest());
      if (size.isEmpty()) {
        throw RegistryError.MANIFEST_BLOB_UNKNOWN.exception(blob.digest().toString());
      }
      if (size.getAsLong() != blob.size()) {
        throw RegistryError.MANIFEST_INVALID.exception("size of " + blob.digest() + " is " + size.getAsLong()
            + ", not " + blob.size());
      }
    }
    for (Descriptor child : manifest.children()) {
      if (!store.holdManifest(tx, repository, child.digest())) {
        throw RegistryError.MANIFEST_BLOB_UNKNOWN.exception(child.digest().toString());
      }
    }
  }

  /**
   * Deletes a manifest by digest (with the tags pointing at it) or just a tag.
   *
   * @throws RegistryException {@link RegistryError#TAG_IMMUTABLE} when a tag that would go is protected
   */
  public void delete(RepositoryName repository, Reference reference, Caller caller) {
    switch (reference) {
      case ByDigest d -> {
        Instant at = clock.instant();
        List<Tag> tags = db.inTransaction(tx -> {
          // Locked before the tags are read: no tag can come to point at it until this commits.
          if (!store.lockManifest(tx, repository, d.digest())) {
            throw RegistryError.MANIFEST_UNKNOWN.exception(d.digest().toString());
          }
          List<Tag> pointing = store.tagsOf(tx, repository, d.digest());
          for (Tag tag : pointing) {
            repositories.requireTagMutable(tx, repository, tag);
          }
          store.deleteManifest(tx, repository, d.digest());
          for (Tag tag : pointing) {
            events.append(tx, Event.of(EventType.TAG_DELETED, at, caller, repository, d.digest(), tag, null));
          }
          events.append(tx, Event.of(EventType.MANIFEST_DELETED, at, caller, repository, d.digest(), null, null));
          return pointing;
        });
        byDigest.invalidate(manifestKey(repository, d.digest()));
        tags.forEach(tag -> tagDigests.invalidate(tagKey(repository, tag)));
      }
      case ByTag t -> {
        db.inTransaction(tx -> {
          Digest current = store.lockTag(tx, repository, t.tag())
              .orElseThrow(() -> RegistryError.MANIFEST_UNKNOWN.exception(t.tag().value()));
          repositories.requireTagMutable(tx, repository, t.tag());
          store.deleteTag(tx, repository, t.tag());
          events.append(tx, Event.of(EventType.TAG_DELETED, clock.instant(), caller, repository, current, t.tag(),
              null));
          return null;
        });
        tagDigests.invalidate(tagKey(repository, t.tag()));
      }
    }
  }

  /**
   * A deleted repository's manifests, tags and referrer links; its blob links are {@link BlobService}'s,
   * and the blobs themselves stay until garbage collection finds them unreferenced.
   */
  @Override
  public void onDelete(Tx tx, RepositoryName repository) {
    store.deleteAll(tx, repository);
    // Neither '@' nor ':' can occur in a repository name, so these prefixes match this repository alone.
    tx.afterCommit(() -> {
      byDigest.asMap().keySet().removeIf(key -> key.startsWith(repository.value() + '@'));
      tagDigests.asMap().keySet().removeIf(key -> key.startsWith(repository.value() + ':'));
    });
  }

  /** Drops manifests garbage collection deleted from this replica's cache. */
  void forget(RepositoryName repository, java.util.Collection<Digest> digests) {
    digests.forEach(digest -> byDigest.invalidate(manifestKey(repository, digest)));
  }

  /** A tag, the manifest it points at, and when it came to point there (pushed or moved). */
  public record TaggedManifest(Tag tag, Digest digest, Instant taggedAt) {}

  /** Every tag of the repository, by name. */
  public List<TaggedManifest> taggedManifests(RepositoryName repository) {
    return db.readOnly(tx -> store.taggedManifests(tx, repository));
  }

  /**
   * Deletes the tag only if it still points at {@code expected} (a decision taken on what the tag
   * was must not remove what it has become), recording {@code tag.deleted} and the {@code reason}
   * event with its detail. False when the tag is gone or has moved.
   *
   * @throws RegistryException {@link RegistryError#TAG_IMMUTABLE} when the tag is protected
   */
  public boolean deleteTagIfAt(RepositoryName repository, Tag tag, Digest expected, Caller caller, EventType reason,
      Map<String, String> detail) {
    boolean deleted = db.inTransaction(tx -> {
      Optional<Digest> current = store.lockTag(tx, repository, tag);
      if (current.isEmpty() || !current.get().equals(expected)) {
        return false;
      }
      repositories.requireTagMutable(tx, repository, tag);
      store.deleteTag(tx, repository, tag);
      Instant at = clock.instant();
      events.append(tx, Event.of(EventType.TAG_DELETED, at, caller, repository, expected, tag, null));
      events.append(tx, new Event(0, reason, at, caller, repository, expected, tag, null, null, detail));
      return true;
    });
    if (deleted) {
      tagDigests.invalidate(tagKey(repository, tag));
    }
    return deleted;
  }

  /** One page of a repository's tags in lexical order; one extra element means more follow. */
  public List<String> tags(RepositoryName repository, String last, int n) {
    if (repositories.find(repository).isEmpty()) {
      throw RegistryError.NAME_UNKNOWN.exception(repository.value());
    }
    return db.readOnly(tx -> store.tagNames(tx, repository, last == null ? "" : last, n + 1));
  }

  /** A manifest that refers to a subject, as the referrers API lists it. */
  public record Referrer(String mediaType, String digest, long size, String artifactType, String annotations) {}

  /**
   * Manifests whose subject is {@code subject}, optionally only of one artifact type; also those listed
   * in a referrers tag-schema index ({@code <alg>-<hex>}) pushed by clients that predate the API.
   */
  public List<Referrer> referrers(RepositoryName repository, Digest subject, String artifactType) {
    return db.readOnly(tx -> {
      Map<String, Referrer> found = new LinkedHashMap<>();
      store.referrers(tx, repository, subject).forEach(r -> found.put(r.digest(), r));
      fallbackTagReferrers(tx, repository, subject).forEach(r -> found.putIfAbsent(r.digest(), r));
      List<Referrer> result = new ArrayList<>(found.values());
      if (artifactType != null) {
        result.removeIf(r -> !artifactType.equals(r.artifactType()));
      }
      return result;
    });
  }

  private List<Referrer> fallbackTagReferrers(Tx tx, RepositoryName repository, Digest subject) {
    String tag = subject.algorithm() + "-" + subject.hex();
    if (!Tag.isValid(tag)) {
      return List.of();
    }
    Optional<byte[]> index = store.taggedIndex(tx, repository, new Tag(tag));
    if (index.isEmpty()) {
      return List.of();
    }
    ParsedManifest parsed = ManifestParser.parse(MediaTypes.OCI_INDEX, index.get(), Digest.SHA256);
    Map<String, Referrer> result = new LinkedHashMap<>();
    for (Descriptor child : parsed.children()) {
      result.put(child.digest().toString(), new Referrer(child.mediaType(), child.digest().toString(), child.size(),
          null, null));
    }
    return List.copyOf(result.values());
  }

  private static String manifestKey(RepositoryName repository, Digest digest) {
    return repository.value() + '@' + digest;
  }

  private static String tagKey(RepositoryName repository, Tag tag) {
    return repository.value() + ':' + tag.value();
  }

  private static String describe(Reference reference) {
    return switch (reference) {
      case ByTag t -> t.tag().value();
      case ByDigest d -> d.digest().toString();
    };
  }
}
