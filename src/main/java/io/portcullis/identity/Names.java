package io.portcullis.identity;

import io.portcullis.shared.RepositoryName;
import java.util.regex.Pattern;

/**
 * Validation of names and free texts. Users and organizations are namespaces: their names follow the
 * grammar of one repository path component, {@code [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*}, so
 * {@code alice/tool} and {@code acme/app} are repositories in them. Teams and robots use the same
 * grammar; a robot's full name is {@code <organization>+<robot>}, which no namespace can spell.
 */
public final class Names {
  /** Longest user, organization, team or robot (short) name. */
  public static final int MAX_NAME_LENGTH = 64;
  /** Longest description. */
  public static final int MAX_DESCRIPTION_LENGTH = 4096;
  /** Longest display name, e-mail address, token name or external id. */
  public static final int MAX_SHORT_TEXT_LENGTH = 256;
  /** Separates a robot's organization from its own name. */
  public static final char ROBOT_SEPARATOR = '+';

  private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+");

  private Names() {}

  /** Whether {@code name} is a valid user, organization, team or robot short name. */
  public static boolean isValidName(String name) {
    return name != null && !name.isEmpty() && name.length() <= MAX_NAME_LENGTH
        && COMPONENT.matcher(name).matches();
  }

  /**
   * @param what e.g. {@code user}, for the message
   * @throws InvalidNameException unless {@link #isValidName}
   */
  static String requireName(String what, String name) {
    if (!isValidName(name)) {
      throw new InvalidNameException("invalid " + what + " name '" + abbreviate(name) + "': expected at most "
          + MAX_NAME_LENGTH + " lower-case letters and digits, separated by '.', '_', '__' or dashes");
    }
    return name;
  }

  /** @throws InvalidNameException unless {@code name} is a repository name in {@code namespace} */
  static String requireRepository(String name, String namespace) {
    String repository = requireRepository(name);
    if (namespace != null && !namespace.equals(namespaceOf(repository))) {
      throw new InvalidNameException("repository '" + repository + "' is not in namespace '" + namespace + "'");
    }
    return repository;
  }

  /** @throws InvalidNameException unless {@code name} follows the distribution repository grammar */
  static String requireRepository(String name) {
    if (!RepositoryName.isValid(name)) {
      throw new InvalidNameException("invalid repository name '" + abbreviate(name) + "'");
    }
    return name;
  }

  /**
   * The user or organization owning {@code repository}: its first path component, or null for a
   * top-level repository ({@code alpine}), which belongs to no namespace.
   */
  public static String namespaceOf(String repository) {
    int slash = repository.indexOf('/');
    return slash < 0 ? null : repository.substring(0, slash);
  }

  /** A robot's full name. */
  static String robotName(String organization, String robot) {
    return organization + ROBOT_SEPARATOR + robot;
  }

  /**
   * Free text: null stays null (nothing given), blank becomes null.
   *
   * @param multiLine whether line breaks and tabs are allowed (descriptions)
   * @throws InvalidValueException if longer than {@code max} or containing other control characters
   */
  static String text(String what, String value, int max, boolean multiLine) {
    if (value == null || value.isBlank()) {
      return null;
    }
    if (value.length() > max) {
      throw new InvalidValueException(what + " longer than " + max + " characters");
    }
    boolean badControl = value.chars().anyMatch(
        c -> Character.isISOControl(c) && !(multiLine && (c == '\n' || c == '\r' || c == '\t')));
    if (badControl) {
      throw new InvalidValueException(what + " contains control characters");
    }
    return value;
  }

  static String email(String value) {
    String email = text("e-mail address", value, MAX_SHORT_TEXT_LENGTH, false);
    if (email != null && !EMAIL.matcher(email).matches()) {
      throw new InvalidValueException("invalid e-mail address '" + email + "'");
    }
    return email;
  }

  private static String abbreviate(String name) {
    if (name == null) {
      return "";
    }
    return name.length() > 80 ? name.substring(0, 80) + "…" : name;
  }
}
