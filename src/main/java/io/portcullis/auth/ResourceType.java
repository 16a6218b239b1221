package io.portcullis.auth;

/** The kind of resource a scope is about. */
public enum ResourceType {
  /** One repository of the registry; its name is the repository path, e.g. {@code team/app}. */
  REPOSITORY("repository"),
  /** The registry as a whole; the only name clients use is {@code catalog}. */
  REGISTRY("registry");

  private final String wireName;

  ResourceType(String wireName) {
    this.wireName = wireName;
  }

  /** The spelling used in scopes and in a token's {@code access} claim. */
  public String wireName() {
    return wireName;
  }

  /**
   * The type spelled {@code wireName}.
   *
   * @throws InvalidScopeException for any other spelling
   */
  public static ResourceType fromWireName(String wireName) {
    for (ResourceType type : values()) {
      if (type.wireName.equals(wireName)) {
        return type;
      }
    }
    throw new InvalidScopeException(
        "unknown resource type '" + wireName + "' (expected repository or registry)");
  }

  @Override
  public String toString() {
    return wireName;
  }
}
