package io.portcullis.webhooks;

import io.portcullis.shared.Scope;
import io.portcullis.auth.Principal;

/**
 * Who may manage the webhooks of a scope: the composition root answers from the access policy
 * (system administrators for global webhooks; the namespace's user, its organization's admins and system
 * administrators for a namespace; the repository's admins for a repository).
 */
@FunctionalInterface
public interface WebhookPermissions {
  /** What the principal may do with the scope's webhooks. */
  Access of(Principal principal, Scope scope);

  /** The answers, which also decide between 403 and 404. */
  enum Access {
    /** Create, read, change, delete, ping, redeliver. */
    MANAGE,
    /** Nothing, but the scope is visible to the principal (a repository it may pull): refused as forbidden. */
    SEE,
    /** Nothing, and a repository scope is hidden from the principal: answered as if it did not exist. */
    NONE
  }
}
