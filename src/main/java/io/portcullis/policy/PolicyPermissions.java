package io.portcullis.policy;

import io.portcullis.auth.Principal;
import io.portcullis.shared.RepositoryName;
import io.portcullis.shared.RepositoryScope;

/**
 * The access policy as promotion needs it; the composition root answers from identity's permission checks.
 */
public interface PolicyPermissions {
  /** Whether the principal may manage the scope's policies and rules: the repository's admins, or the namespace's. */
  boolean mayManage(Principal principal, RepositoryScope scope);

  boolean mayRead(Principal principal, RepositoryName repository);

  boolean mayWrite(Principal principal, RepositoryName repository);
}
