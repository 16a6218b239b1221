package io.portcullis.registry;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.portcullis.events.Event;
import io.portcullis.events.EventLog;
import io.portcullis.events.EventType;
import io.portcullis.metadata.Database;
import io.portcullis.shared.Caller;
import io.portcullis.shared.Digest;
import io.portcullis.shared.MediaTypes;
import io.portcullis.shared.RegistryError;
import io.portcullis.shared.RegistryException;
import io.portcullis.shared.RepositoryName;
import io.portcullis.shared.Tag;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.jdbi.v3.core.Handle;

/** Manifests, tags, referrers and the catalog. */
public final class ManifestService {
  /** Largest manifest accepted, as distribution and the OCI spec's recommendation. */
  public static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
  /** Largest page a client may ask for. */
  public static final int MAX_PAGE = 10_000;

  private final Database db;
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
  private final Cache<String, String> tagDigests = Caffeine.newBuilder().maximumSize(100_000)
      .expireAfterWrite(Duration.ofSeconds(2)).build();

  public ManifestService(Database db, EventLog events, Clock clock) {
    this.db = db;
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
    Optional<String> digest = switch (reference) {
      case ByTag t -> resolveTag(repository.value(), t.tag().value());
      case ByDigest d -> Optional.of(d.digest().toString());
    };
    Manifest manifest = digest.flatMap(d -> byDigest(repository.value(), d))
        .orElseThrow(() -> RegistryError.MANIFEST_UNKNOWN.exception(describe(reference)));
    if (pulled) {
      java.time.Instant at = clock.instant();
      Tag tag = reference instanceof ByTag t ? t.tag() : null;
      events.appendRead(Event.of(EventType.MANIFEST_PULLED, at, caller, repository, manifest.digest(), tag,
          manifest.mediaType()));
      if (tag != null) {
        events.appendRead(Event.of(EventType.TAG_PULLED, at, caller, repository, manifest.digest(), tag,
            manifest.mediaType()));
      }
    }
    return manifest;
  }

  private Optional<String> resolveTag(String repository, String tag) {
    String key = repository + ':' + tag;
    String cached = tagDigests.getIfPresent(key);
    if (cached != null) {
      return Optional.of(cached);
    }
    Optional<String> digest = db.read(h -> h.createQuery("SELECT digest FROM tags WHERE repository = ? AND name = ?")
        .bind(0, repository).bind(1, tag).mapTo(String.class).findOne());
    digest.ifPresent(d -> tagDigests.put(key, d));
    return digest;
  }

  private Optional<Manifest> byDigest(String repository, String digest) {
    String key = repository + '@' + digest;
    Manifest cached = byDigest.getIfPresent(key);
    if (cached != null) {
      return Optional.of(cached);
    }
    Optional<Manifest> stored = db.read(h -> h.createQuery("SELECT digest, media_type, size, payload FROM manifests "
            + "WHERE repository = ? AND digest = ?")
        .bind(0, repository).bind(1, digest)
        .map((rs, ctx) -> new Manifest(Digest.parse(rs.getString(1)), rs.getString(2), rs.getLong(3), rs.getBytes(4)))
        .findOne());
    stored.ifPresent(m -> byDigest.put(key, m));
    return stored;
  }

  /**
   * Stores a manifest after checking that everything it references is in the repository, and points
   * the tag at it when the reference is a tag. Atomic: on any failure nothing changes.
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
    java.time.Instant at = clock.instant();
    long now = at.toEpochMilli();
    db.write(h -> {
      verifyReferences(h, repository.value(), manifest);
      Repositories.ensure(h, events, repository, at, caller);
      insert(h, repository.value(), manifest, now);
      events.append(h, Event.of(EventType.MANIFEST_PUSHED, at, caller, repository, manifest.digest(), tag,
          manifest.mediaType()));
      if (tag != null) {
        h.createUpdate("INSERT INTO tags(repository, name, digest, updated_at) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (repository, name) DO UPDATE SET digest = excluded.digest, updated_at = excluded.updated_at")
            .bind(0, repository.value()).bind(1, tag.value()).bind(2, manifest.digest().toString()).bind(3, now)
            .execute();
        events.append(h, Event.of(EventType.TAG_PUSHED, at, caller, repository, manifest.digest(), tag,
            manifest.mediaType()));
      }
      return null;
    });
    if (tag != null) {
      tagDigests.put(repository.value() + ':' + tag.value(), manifest.digest().toString());
    }
    return new Pushed(manifest.digest(), manifest.subject() == null ? null : manifest.subject().digest());
  }

  private void verifyReferences(Handle h, String repository, ParsedManifest manifest) {
    String lock = db.dialect().forShare();
    for (Descriptor blob : manifest.blobs()) {
      if (blob.foreign()) {
        continue;
      }
      var size = BlobService.linkedSize(h, repository, blob.digest().toString(), lock);
      if (size.isEmpty()) {
        throw RegistryError.MANIFEST_BLOB_UNKNOWN.exception(blob.digest().toString());
      }
      if (size.getAsLong() != blob.size()) {
        throw RegistryError.MANIFEST_INVALID.exception("size of " + blob.digest() + " is " + size.getAsLong()
            + ", not " + blob.size());
      }
    }
    for (Descriptor child : manifest.children()) {
      boolean present = h.createQuery("SELECT 1 FROM manifests WHERE repository = ? AND digest = ?" + lock)
          .bind(0, repository).bind(1, child.digest().toString()).mapTo(Integer.class).findOne().isPresent();
      if (!present) {
        throw RegistryError.MANIFEST_BLOB_UNKNOWN.exception(child.digest().toString());
      }
    }
  }

  /** Stores the manifest unless the repository already has it. */
  private static void insert(Handle h, String repository, ParsedManifest manifest, long now) {
    String digest = manifest.digest().toString();
    int inserted = h.createUpdate("INSERT INTO manifests(repository, digest, media_type, artifact_type, subject, size, "
            + "payload, annotations, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (repository, digest) DO NOTHING")
        .bind(0, repository).bind(1, digest).bind(2, manifest.mediaType()).bind(3, manifest.artifactType())
        .bind(4, manifest.subject() == null ? null : manifest.subject().digest().toString())
        .bind(5, (long) manifest.payload().length).bind(6, manifest.payload()).bind(7, manifest.annotations())
        .bind(8, now).execute();
    if (inserted == 0) {
      return;
    }
    Map<String, Boolean> references = new LinkedHashMap<>();
    manifest.blobs().stream().filter(d -> !d.foreign()).forEach(d -> references.put(d.digest().toString(), false));
    manifest.children().forEach(d -> references.put(d.digest().toString(), true));
    var batch = h.prepareBatch("INSERT INTO manifest_references(repository, digest, child, child_is_manifest) "
        + "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING");
    references.forEach((child, isManifest) -> batch.bind(0, repository).bind(1, digest).bind(2, child)
        .bind(3, isManifest).add());
    if (!references.isEmpty()) {
      batch.execute();
    }
  }

  /** Deletes a manifest by digest (with the tags pointing at it) or just a tag. */
  public void delete(RepositoryName repository, Reference reference, Caller caller) {
    switch (reference) {
      case ByDigest d -> {
        java.time.Instant at = clock.instant();
        List<String> tags = db.write(h -> {
          List<String> pointing = h.createQuery("SELECT name FROM tags WHERE repository = ? AND digest = ?")
              .bind(0, repository.value()).bind(1, d.digest().toString()).mapTo(String.class).list();
          int removed = h.createUpdate("DELETE FROM manifests WHERE repository = ? AND digest = ?")
              .bind(0, repository.value()).bind(1, d.digest().toString()).execute();
          if (removed == 0) {
            throw RegistryError.MANIFEST_UNKNOWN.exception(d.digest().toString());
          }
          for (String tag : pointing) {
            events.append(h, Event.of(EventType.TAG_DELETED, at, caller, repository, d.digest(), new Tag(tag), null));
          }
          events.append(h, Event.of(EventType.MANIFEST_DELETED, at, caller, repository, d.digest(), null, null));
          return pointing;
        });
        byDigest.invalidate(repository.value() + '@' + d.digest());
        tags.forEach(tag -> tagDigests.invalidate(repository.value() + ':' + tag));
      }
      case ByTag t -> {
        db.write(h -> {
          String current = h.createQuery("SELECT digest FROM tags WHERE repository = ? AND name = ?")
              .bind(0, repository.value()).bind(1, t.tag().value()).mapTo(String.class).findOne()
              .orElseThrow(() -> RegistryError.MANIFEST_UNKNOWN.exception(t.tag().value()));
          h.createUpdate("DELETE FROM tags WHERE repository = ? AND name = ?")
              .bind(0, repository.value()).bind(1, t.tag().value()).execute();
          events.append(h, Event.of(EventType.TAG_DELETED, clock.instant(), caller, repository, Digest.parse(current),
              t.tag(), null));
          return null;
        });
        tagDigests.invalidate(repository.value() + ':' + t.tag().value());
      }
    }
  }

  /**
   * Deletes a repository with its manifests, tags, referrer links and blob links (by the foreign keys of
   * its row); the blobs themselves stay until garbage collection finds them unreferenced. Access grants
   * are the identity domain's to forget.
   *
   * @throws io.portcullis.shared.RegistryException {@code NAME_UNKNOWN} if there is no such repository
   */
  public void deleteRepository(RepositoryName repository, Caller caller) {
    record Contents(List<String> digests, List<String> tags) {}
    Contents removed = db.write(h -> {
      List<String> digests = h.createQuery("SELECT digest FROM manifests WHERE repository = ?")
          .bind(0, repository.value()).mapTo(String.class).list();
      List<String> tags = h.createQuery("SELECT name FROM tags WHERE repository = ?")
          .bind(0, repository.value()).mapTo(String.class).list();
      if (h.createUpdate("DELETE FROM repositories WHERE name = ?").bind(0, repository.value()).execute() == 0) {
        throw RegistryError.NAME_UNKNOWN.exception(repository.value());
      }
      events.append(h, Event.of(EventType.REPOSITORY_DELETED, clock.instant(), caller, repository, null, null, null));
      return new Contents(digests, tags);
    });
    removed.digests().forEach(d -> byDigest.invalidate(repository.value() + '@' + d));
    removed.tags().forEach(t -> tagDigests.invalidate(repository.value() + ':' + t));
  }

  /** One page of a repository's tags in lexical order; one extra element means more follow. */
  public List<String> tags(RepositoryName repository, String last, int n) {
    if (!db.read(h -> Repositories.exists(h, repository.value()))) {
      throw RegistryError.NAME_UNKNOWN.exception(repository.value());
    }
    return Repositories.page(db, "SELECT name FROM tags WHERE repository = :scope AND name > :after ORDER BY name LIMIT :limit",
        repository.value(), last, n, x -> true);
  }

  /** One page of repository names in lexical order, only those {@code visible} to the caller. */
  public List<String> catalog(String last, int n, Predicate<String> visible) {
    return Repositories.page(db, "SELECT name FROM repositories WHERE name > :after ORDER BY name LIMIT :limit",
        null, last, n, visible);
  }

  /** A manifest that refers to a subject, as the referrers API lists it. */
  public record Referrer(String mediaType, String digest, long size, String artifactType, String annotations) {}

  /**
   * Manifests whose subject is {@code subject}, optionally only of one artifact type; also those listed
   * in a referrers tag-schema index ({@code <alg>-<hex>}) pushed by clients that predate the API.
   */
  public List<Referrer> referrers(RepositoryName repository, Digest subject, String artifactType) {
    return db.read(h -> {
      Map<String, Referrer> found = new LinkedHashMap<>();
      h.createQuery("SELECT media_type, digest, size, artifact_type, annotations FROM manifests "
              + "WHERE repository = ? AND subject = ? ORDER BY digest")
          .bind(0, repository.value()).bind(1, subject.toString())
          .map((rs, ctx) -> new Referrer(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5)))
          .forEach(r -> found.put(r.digest(), r));
      fallbackTagReferrers(h, repository.value(), subject).forEach(r -> found.putIfAbsent(r.digest(), r));
      List<Referrer> result = new ArrayList<>(found.values());
      if (artifactType != null) {
        result.removeIf(r -> !artifactType.equals(r.artifactType()));
      }
      return result;
    });
  }

  private static List<Referrer> fallbackTagReferrers(Handle h, String repository, Digest subject) {
    String tag = subject.algorithm() + "-" + subject.hex();
    if (!Tag.isValid(tag)) {
      return List.of();
    }
    Optional<byte[]> index = h.createQuery("SELECT m.payload FROM tags t JOIN manifests m "
            + "ON m.repository = t.repository AND m.digest = t.digest WHERE t.repository = ? AND t.name = ? AND m.media_type = ?")
        .bind(0, repository).bind(1, tag).bind(2, MediaTypes.OCI_INDEX)
        .mapTo(byte[].class).findOne();
    if (index.isEmpty()) {
      return List.of();
    }
    ParsedManifest parsed = ManifestParser.parse(MediaTypes.OCI_INDEX, index.get(), Digest.SHA256);
    Map<String, Referrer> result = new HashMap<>();
    for (Descriptor child : parsed.children()) {
      result.put(child.digest().toString(), new Referrer(child.mediaType(), child.digest().toString(), child.size(),
          null, null));
    }
    return List.copyOf(result.values());
  }

  private static String describe(Reference reference) {
    return switch (reference) {
      case ByTag t -> t.tag().value();
      case ByDigest d -> d.digest().toString();
    };
  }
}
