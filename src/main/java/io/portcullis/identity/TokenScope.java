package io.portcullis.identity;

/** What a personal access token may do: only pull ({@code read}), or whatever its owner may. */
public enum TokenScope implements WireNames.Named {
  READ("read"),
  READ_WRITE("read-write");

  private final String wireName;

  TokenScope(String wireName) {
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
  public static TokenScope fromWireName(String wireName) {
    return WireNames.parse(TokenScope.class, "token scope", wireName);
  }

  @Override
  public String toString() {
    return wireName;
  }
}
