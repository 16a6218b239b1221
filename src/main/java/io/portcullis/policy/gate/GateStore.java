package io.portcullis.policy.gate;

import io.portcullis.shared.Scope;
import io.portcullis.metadata.Tx;
import io.portcullis.shared.RepositoryName;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Storage of pull gates and allowlist entries, and the registry's manifest table as far as gates read it. */
public interface GateStore {
  /** The gates of these scopes that exist. */
  List<PullGate> gates(Tx tx, Collection<Scope> scopes);

  /** Stores the gate of its scope, replacing the one there was. */
  void putGate(Tx tx, PullGate gate);

  /** Whether there was a gate to delete. */
  boolean deleteGate(Tx tx, Scope scope);

  /** The entries of these scopes, expired ones included, oldest first. */
  List<AllowlistEntry> entries(Tx tx, Collection<Scope> scopes);

  Optional<AllowlistEntry> entry(Tx tx, long id);

  int countEntries(Tx tx, Scope scope);

  long insertEntry(Tx tx, AllowlistEntry entry);

  boolean deleteEntry(Tx tx, long id);

  /** Deletes the gate and the entries of a repository (its deletion). */
  void deleteRepository(Tx tx, RepositoryName repository);

  /** The image indexes of the repository that list {@code manifest} as a child. */
  List<String> indexesHolding(Tx tx, RepositoryName repository, String manifest);
}
