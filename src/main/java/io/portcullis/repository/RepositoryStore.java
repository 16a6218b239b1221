package io.portcullis.repository;

import io.portcullis.metadata.Tx;
import io.portcullis.shared.RepositoryName;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Where repositories and their settings are kept. */
public interface RepositoryStore {
  /** Adds the repository unless one of that name exists; false (nothing written) when one does. */
  boolean insert(Tx tx, Repository repository);

  Optional<Repository> find(Tx tx, RepositoryName name);

  /** The repository, its row locked against concurrent changes and deletion until commit. */
  Optional<Repository> lock(Tx tx, RepositoryName name);

  /** Writes every setting of an existing repository. */
  void updateSettings(Tx tx, Repository repository);

  /** Deletes the row; false when there is none. */
  boolean delete(Tx tx, RepositoryName name);

  /** Up to {@code limit} repositories named after {@code after} ("" for the first), in bytewise name order. */
  List<Repository> page(Tx tx, String after, int limit);

  /** The names of every public repository. */
  Set<String> publicNames(Tx tx);

  /** Whether any repository is in {@code namespace} (its first path component). */
  boolean anyInNamespace(Tx tx, String namespace);

  /** Adds the rule with a new id; false when the scope already has a rule with that pattern. */
  boolean insertRule(Tx tx, ImmutabilityRule rule);

  Optional<ImmutabilityRule> findRule(Tx tx, long id);

  /** Deletes the rule; false when there is none. */
  boolean deleteRule(Tx tx, long id);

  /** Every rule, by id. */
  List<ImmutabilityRule> rules(Tx tx);

  /** The rules whose scope is one of {@code scopes}, by id. */
  List<ImmutabilityRule> rulesOf(Tx tx, List<String> scopes);
}
