package io.portcullis.registry;

import io.portcullis.metadata.Tx;
import io.portcullis.shared.Caller;
import io.portcullis.shared.Digest;
import io.portcullis.shared.RepositoryName;

/**
 * Asked before a blob is linked into a repository (an upload's commit, a mount), inside the
 * transaction that links it: throwing refuses the link and rolls back everything the transaction
 * did, so a refused push leaves nothing behind. Quotas are one.
 */
public interface BlobLinkGuard {
  void beforeLink(Tx tx, RepositoryName repository, Digest digest, long size, Caller caller);
}
