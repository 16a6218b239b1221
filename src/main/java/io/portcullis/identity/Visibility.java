package io.portcullis.identity;

/** Who may see and pull a repository: its permitted principals only (the default), or everyone. */
public enum Visibility implements WireNames.Named {
  PRIVATE("private"),
  PUBLIC("public");

  private final String wireName;

  Visibility(String wireName) {
    this.wireName = wireName;
  }

  @Override
  public String wireName() {
    return wireName;
  }

  /**
   * The constant spelled {@code wireName}.
   *
   * @throws InvalidValueException for any other spelling
   */
  public static Visibility fromWireName(String wireName) {
    return WireNames.parse(Visibility.class, "visibility", wireName);
  }

  @Override
  public String toString() {
    return wireName;
  }
}
