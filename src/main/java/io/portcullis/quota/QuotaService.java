package io.portcullis.quota;

import io.portcullis.events.Event;
import io.portcullis.events.EventLog;
import io.portcullis.events.EventType;
import io.portcullis.metadata.Database;
import io.portcullis.metadata.Tx;
import io.portcullis.registry.BlobLinkGuard;
import io.portcullis.shared.Caller;
import io.portcullis.shared.Digest;
import io.portcullis.shared.RegistryError;
import io.portcullis.shared.RepositoryName;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Storage quotas per namespace. Usage is what the namespace's repositories link, each blob counted
 * once per namespace (a layer shared by ten of its repositories counts once; the same layer in
 * another namespace counts there too), read from the links themselves rather than kept as a
 * counter, so it can never drift from what is stored. As the registry's {@link BlobLinkGuard} it
 * refuses, inside the push's own transaction, a link that would take the namespace past its limit.
 */
public final class QuotaService implements BlobLinkGuard {
  private static final Logger log = LoggerFactory.getLogger(QuotaService.class);

  /** Told of every refused link, for metrics. */
  public interface Listener {
    void refused(String namespace);
  }

  private final Database db;
  private final QuotaStore store;
  private final EventLog events;
  private final Clock clock;
  private final Listener listener;

  public QuotaService(Database db, QuotaStore store, EventLog events, Clock clock, Listener listener) {
    this.db = db;
    this.store = store;
    this.events = events;
    this.clock = clock;
    this.listener = listener;
  }

  /** A namespace as quotas name it: the first component of its repositories' names. */
  public static String namespace(String text) {
    if (text == null || text.contains("/") || !RepositoryName.isValid(text)) {
      throw new IllegalArgumentException("'" + text + "' is not a namespace (a repository name's first component)");
    }
    return text;
  }

  public NamespaceUsage usage(String namespace) {
    String ns = namespace(namespace);
    return db.readOnly(tx -> usage(tx, ns, store.find(tx, ns)));
  }

  /** Quotas with their usage, by namespace, after {@code after}. */
  public List<NamespaceUsage> list(String after, int limit) {
    return db.readOnly(tx -> store.page(tx, after == null ? "" : after, limit).stream()
        .map(q -> usage(tx, q.namespace(), Optional.of(q))).toList());
  }

  /** Sets (or replaces) the namespace's quota; a limit below what it stores already refuses new blobs only. */
  public NamespaceUsage set(String namespace, long limitBytes, int warnPercent, Caller caller) {
    String ns = namespace(namespace);
    Instant at = clock.instant();
    Quota quota = new Quota(ns, limitBytes, warnPercent, at, caller.actor());
    return db.inTransaction(tx -> {
      store.put(tx, quota);
      events.append(tx, Event.change(EventType.QUOTA_SET, at, caller, "namespace " + ns, null,
          Map.of("limitBytes", String.valueOf(limitBytes), "warnPercent", String.valueOf(warnPercent))));
      return usage(tx, ns, Optional.of(quota));
    });
  }

  /** Removes the namespace's quota; false when it had none. */
  public boolean remove(String namespace, Caller caller) {
    String ns = namespace(namespace);
    Instant at = clock.instant();
    return db.inTransaction(tx -> {
      if (!store.delete(tx, ns)) {
        return false;
      }
      events.append(tx, Event.change(EventType.QUOTA_REMOVED, at, caller, "namespace " + ns, null, Map.of()));
      return true;
    });
  }

  @Override
  public void beforeLink(Tx tx, RepositoryName repository, Digest digest, long size, Caller caller) {
    String ns = repository.namespace();
    Optional<Quota> found = store.lock(tx, ns);
    if (found.isEmpty() || store.linked(tx, ns, digest)) {
      return;
    }
    Quota quota = found.get();
    long used = store.used(tx, ns).bytes();
    long after = used + size;
    if (after > quota.limitBytes()) {
      listener.refused(ns);
      log.info("quota of namespace {} refused {} ({} bytes) for {}: {} of {} bytes used", ns, digest, size,
          repository, used, quota.limitBytes());
      throw RegistryError.DENIED.exception("storage quota of namespace " + ns + " exceeded: this blob needs "
          + size + " bytes and " + (quota.limitBytes() - Math.min(used, quota.limitBytes())) + " of its "
          + quota.limitBytes() + " bytes are free; nothing was stored");
    }
    if (used < quota.warnAtBytes() && after >= quota.warnAtBytes()) {
      events.append(tx, Event.change(EventType.QUOTA_WARNING, clock.instant(), caller,
          "namespace " + ns, repository, Map.of("usedBytes", String.valueOf(after),
              "limitBytes", String.valueOf(quota.limitBytes()), "warnPercent", String.valueOf(quota.warnPercent()))));
    }
  }

  private NamespaceUsage usage(Tx tx, String ns, Optional<Quota> quota) {
    QuotaStore.Used used = store.used(tx, ns);
    return new NamespaceUsage(ns, used.bytes(), used.blobs(), quota);
  }
}
