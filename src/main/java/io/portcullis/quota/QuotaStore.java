package io.portcullis.quota;

import io.portcullis.metadata.Tx;
import io.portcullis.shared.Digest;
import java.util.List;
import java.util.Optional;

/** Where quotas are kept, and the reading of what a namespace stores. */
public interface QuotaStore {
  Optional<Quota> find(Tx tx, String namespace);

  /**
   * {@link #find}, the quota row locked until commit (PostgreSQL; SQLite's writers are serialized
   * anyway), so two pushes into one namespace cannot both take its last free bytes.
   */
  Optional<Quota> lock(Tx tx, String namespace);

  /** Inserts or replaces the namespace's quota. */
  void put(Tx tx, Quota quota);

  boolean delete(Tx tx, String namespace);

  /** Up to {@code limit} quotas of namespaces after {@code after} (lexically). */
  List<Quota> page(Tx tx, String after, int limit);

  /** Bytes and blobs the namespace's repositories link, each distinct blob once. */
  Used used(Tx tx, String namespace);

  /** Whether any repository of the namespace links the blob already. */
  boolean linked(Tx tx, String namespace, Digest digest);

  record Used(long bytes, long blobs) {}
}
