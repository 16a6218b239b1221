package io.portcullis.shared;

/** A tag: {@code [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}} per the distribution spec. */
public record Tag(String value) {
  public Tag {
    if (!isValid(value)) {
      throw RegistryError.TAG_INVALID.exception("invalid tag");
    }
  }

  public static boolean isValid(String s) {
    if (s == null || s.isEmpty() || s.length() > 128) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
      if (!(word || (i > 0 && (c == '.' || c == '-')))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return value;
  }
}
