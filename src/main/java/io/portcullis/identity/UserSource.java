package io.portcullis.identity;

/** Where a user's identity comes from: a local password, or an external directory. */
public enum UserSource implements WireNames.Named {
  LOCAL("local"),
  LDAP("ldap"),
  OIDC("oidc");

  private final String wireName;

  UserSource(String wireName) {
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
  public static UserSource fromWireName(String wireName) {
    return WireNames.parse(UserSource.class, "user source", wireName);
  }

  @Override
  public String toString() {
    return wireName;
  }
}
