package io.portcullis.auth;

import java.util.Set;

/**
 * Decides which of the actions a principal asks for on a resource it actually holds.
 *
 * <p>Per the token specification, holding only part of the request is not an error: the token
 * server puts the intersection in the token and the registry refuses what is missing later.
 * Implementations must be thread-safe.
 */
public interface AccessController {

  /**
   * The actions of {@code requested} that {@code principal} holds on the resource: always a subset of
   * {@code requested.actions()}, empty when nothing is held. A request for {@link Action#ALL} is
   * granted only as {@code *}, never widened or narrowed to named actions.
   */
  Set<Action> grant(Principal principal, ResourceScope requested);
}
