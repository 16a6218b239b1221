package io.portcullis.identity;

import io.portcullis.metadata.Tx;
import java.util.Optional;

/** The names users and organizations share: each name is one user's or one organization's, never both. */
public interface NamespaceStore {
  /**
   * Claims {@code name} for a user or an organization.
   *
   * @param kind {@code user} or {@code organization}
   * @return empty when claimed; otherwise the kind holding the name already ({@code namespace} when the
   *     holder vanished in the meantime)
   */
  Optional<String> claim(Tx tx, String name, String kind);

  /** Frees {@code name} for anyone to claim (its organization was deleted). */
  void release(Tx tx, String name);
}
