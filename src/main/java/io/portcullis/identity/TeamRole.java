package io.portcullis.identity;

/** A member's role in a team: team admins also manage the team's members. */
public enum TeamRole implements WireNames.Named {
  MEMBER("member"),
  ADMIN("admin");

  private final String wireName;

  TeamRole(String wireName) {
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
  public static TeamRole fromWireName(String wireName) {
    return WireNames.parse(TeamRole.class, "team role", wireName);
  }

  @Override
  public String toString() {
    return wireName;
  }
}
