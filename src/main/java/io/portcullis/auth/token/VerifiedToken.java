package io.portcullis.auth.token;

import io.portcullis.auth.Action;
import io.portcullis.auth.Principal;
import io.portcullis.auth.ResourceScope;
import io.portcullis.auth.ResourceType;
import java.time.Instant;
import java.util.List;

/**
 * A token that passed verification: who it acts for and what it allows.
 *
 * @param principal the subject, with its kind and flags as issued
 * @param access    the granted scopes, one per resource
 * @param expiresAt the {@code exp} claim
 * @param tokenId   the {@code jti} claim, for audit logs
 * @param keyId     the id of the key that signed it
 */
public record VerifiedToken(
    Principal principal, List<ResourceScope> access, Instant expiresAt, String tokenId, String keyId) {

  public VerifiedToken {
    access = List.copyOf(access);
  }

  /**
   * Whether the token allows {@code action} on the resource: some entry for the same type and name
   * holds the action or {@code *}. The deprecated resource class is ignored.
   */
  public boolean permits(ResourceType type, String name, Action action) {
    return access.stream()
        .filter(scope -> scope.sameResource(type, name))
        .anyMatch(scope -> scope.actions().stream().anyMatch(held -> held.covers(action)));
  }
}
