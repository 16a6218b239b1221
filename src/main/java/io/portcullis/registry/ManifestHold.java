package io.portcullis.registry;

import io.portcullis.metadata.Tx;
import io.portcullis.shared.Digest;
import io.portcullis.shared.RepositoryName;

/**
 * Asked before garbage collection deletes an untagged manifest, inside the deleting transaction (and
 * when it plans): true keeps the manifest, and with it everything it references. A policy that must
 * retain content registers one; repositories with immutable tags are always held.
 */
@FunctionalInterface
public interface ManifestHold {
  boolean holds(Tx tx, RepositoryName repository, Digest digest);
}
