package io.portcullis.auth;

import java.util.Set;

/**
 * The access policy of a fresh installation, before users, teams and permissions exist: an
 * administrator (the bootstrap admin) holds every action on every resource; everyone else, anonymous
 * clients included, holds nothing.
 */
public final class BootstrapAccessController implements AccessController {

  @Override
  public Set<Action> grant(Principal principal, ResourceScope requested) {
    if (principal.kind() == Principal.Kind.ADMIN) {
      return requested.actions();
    }
    return Set.of();
  }
}
