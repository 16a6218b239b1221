package io.portcullis.repository;

/** Who may see and pull a repository: its permitted principals only (the default), or everyone. */
public enum Visibility {
  PRIVATE("private"),
  PUBLIC("public");

  private final String wireName;

  Visibility(String wireName) {
    this.wireName = wireName;
  }

  /** The spelling in the database and at the REST edge. */
  public String wireName() {
    return wireName;
  }

  /**
   * The constant spelled {@code wireName}.
   *
   * @throws RepositoryException {@link RepositoryException.Kind#INVALID} for any other spelling
   */
  public static Visibility fromWireName(String wireName) {
    for (Visibility visibility : values()) {
      if (visibility.wireName.equals(wireName)) {
        return visibility;
      }
    }
    throw RepositoryException.invalid("unknown visibility '" + wireName + "' (expected private, public)");
  }

  @Override
  public String toString() {
    return wireName;
  }
}
