package io.portcullis.repository;

/**
 * Settings to change on a repository, or to create one with; a null setting (and a description not
 * replaced) stays as it is. Checked when built, so an invalid change is refused before any transaction.
 *
 * @param replacesDescription whether {@code description} replaces the current one (null clears it)
 */
public record SettingsChange(Visibility visibility, boolean replacesDescription, String description,
    Boolean scanOnPush, Boolean immutableTags) {
  /** Longest description. */
  public static final int MAX_DESCRIPTION_LENGTH = 4096;
  /** Changes nothing; the start of every change. */
  public static final SettingsChange NONE = new SettingsChange(null, false, null, null, null);

  /**
   * @throws RepositoryException {@link RepositoryException.Kind#INVALID} for a description that is too
   *                             long or holds control characters other than line breaks and tabs
   */
  public SettingsChange {
    if (!replacesDescription && description != null) {
      throw new IllegalArgumentException("a description is given only to replace the current one");
    }
    description = checkedDescription(description);
  }

  public SettingsChange withVisibility(Visibility visibility) {
    return new SettingsChange(visibility, replacesDescription, description, scanOnPush, immutableTags);
  }

  /** Replaces the description; null or blank clears it. */
  public SettingsChange withDescription(String description) {
    return new SettingsChange(visibility, true, description, scanOnPush, immutableTags);
  }

  public SettingsChange withScanOnPush(boolean scanOnPush) {
    return new SettingsChange(visibility, replacesDescription, description, scanOnPush, immutableTags);
  }

  public SettingsChange withImmutableTags(boolean immutableTags) {
    return new SettingsChange(visibility, replacesDescription, description, scanOnPush, immutableTags);
  }

  /** Whether this names no setting at all. */
  public boolean isEmpty() {
    return equals(NONE);
  }

  Repository applyTo(Repository r) {
    return new Repository(r.name(), visibility == null ? r.visibility() : visibility,
        replacesDescription ? description : r.description(), scanOnPush == null ? r.scanOnPush() : scanOnPush,
        immutableTags == null ? r.immutableTags() : immutableTags, r.createdAt());
  }

  private static String checkedDescription(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    if (value.length() > MAX_DESCRIPTION_LENGTH) {
      throw RepositoryException.invalid("description longer than " + MAX_DESCRIPTION_LENGTH + " characters");
    }
    if (value.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t')) {
      throw RepositoryException.invalid("description contains control characters");
    }
    return value;
  }
}
