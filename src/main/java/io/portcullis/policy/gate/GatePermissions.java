package io.portcullis.policy.gate;

import io.portcullis.shared.Scope;
import io.portcullis.auth.Principal;

/**
 * Who may manage the pull gate and the allowlist of a scope: the composition root answers from the access
 * policy (system administrators for the registry; the namespace's user, its organization's admins and
 * system administrators for a namespace; the repository's admins for a repository).
 */
@FunctionalInterface
public interface GatePermissions {
  Access of(Principal principal, Scope scope);

  /** The answers, which also decide between 403 and 404. */
  enum Access {
    /** Read and change. */
    MANAGE,
    /** Read only: a repository the principal may pull, or any namespace or the registry for a signed-in user. */
    SEE,
    /** Nothing, and a repository scope is hidden from the principal: answered as if it did not exist. */
    NONE
  }
}
