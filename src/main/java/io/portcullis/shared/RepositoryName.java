package io.portcullis.shared;

/**
 * A repository name per the distribution spec grammar: lowercase path components of
 * {@code [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*} separated by single slashes, at most 255 characters.
 */
public record RepositoryName(String value) implements Comparable<RepositoryName> {
  public static final int MAX_LENGTH = 255;

  public RepositoryName {
    if (!isValid(value)) {
      throw RegistryError.NAME_INVALID.exception("invalid repository name");
    }
  }

  public static RepositoryName of(String value) {
    return new RepositoryName(value);
  }

  public static boolean isValid(String name) {
    if (name == null || name.isEmpty() || name.length() > MAX_LENGTH) {
      return false;
    }
    int i = 0;
    int n = name.length();
    while (true) {
      // one path component: alnum runs joined by separators
      if (i >= n || !isAlnum(name.charAt(i))) {
        return false;
      }
      while (i < n && isAlnum(name.charAt(i))) {
        i++;
      }
      while (i < n && name.charAt(i) != '/') {
        char c = name.charAt(i);
        if (c == '.') {
          i++;
        } else if (c == '_') {
          i++;
          if (i < n && name.charAt(i) == '_') {
            i++;
          }
        } else if (c == '-') {
          while (i < n && name.charAt(i) == '-') {
            i++;
          }
        } else {
          return false;
        }
        if (i >= n || !isAlnum(name.charAt(i))) {
          return false;
        }
        while (i < n && isAlnum(name.charAt(i))) {
          i++;
        }
      }
      if (i == n) {
        return true;
      }
      i++; // the slash
    }
  }

  private static boolean isAlnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  }

  /** The first path component: the user or organization that owns the repository. */
  public String namespace() {
    int slash = value.indexOf('/');
    return slash < 0 ? value : value.substring(0, slash);
  }

  @Override
  public int compareTo(RepositoryName o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
