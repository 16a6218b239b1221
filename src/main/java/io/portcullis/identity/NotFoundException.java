package io.portcullis.identity;

/** The user, organization, team, robot, token, repository or mapping named does not exist. */
public final class NotFoundException extends IdentityException {
  public NotFoundException(String what, String name) {
    super(what + " '" + name + "' not found");
  }
}
