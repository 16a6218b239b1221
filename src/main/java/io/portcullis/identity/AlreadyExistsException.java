package io.portcullis.identity;

/** Something with that name already exists (for namespaces: a user or an organization). */
public final class AlreadyExistsException extends IdentityException {
  public AlreadyExistsException(String what, String name) {
    super(what + " '" + name + "' already exists");
  }
}
