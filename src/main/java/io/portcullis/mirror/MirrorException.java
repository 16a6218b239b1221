package io.portcullis.mirror;

/** A mirror request the domain refuses; the kind says which answer it gets. */
public final class MirrorException extends RuntimeException {
  public enum Kind { NOT_FOUND, ALREADY_EXISTS, INVALID }

  private final Kind kind;

  public MirrorException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  static MirrorException notFound(long id) {
    return new MirrorException(Kind.NOT_FOUND, "no mirror " + id);
  }

  static MirrorException invalid(String message) {
    return new MirrorException(Kind.INVALID, message);
  }
}
