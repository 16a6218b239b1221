package io.portcullis.identity.ldap;

import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPException;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A search filter with placeholders ({@code {0}} for the username, {@code {dn}} for the user's DN)
 * whose values are escaped per RFC 4515, so that {@code *)(uid=*} searches for exactly that string.
 */
final class FilterTemplate {
  static final String USERNAME = "{0}";
  static final String USER_DN = "{dn}";

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{0}|\\{dn}");

  private final String template;

  /**
   * @param allowed the placeholders this filter may use; at least one of them must appear
   * @throws IllegalArgumentException if none appears or the filter is not valid LDAP filter syntax
   */
  FilterTemplate(String what, String template, Set<String> allowed) {
    if (template == null || template.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
    Matcher placeholders = PLACEHOLDER.matcher(template);
    boolean any = false;
    while (placeholders.find()) {
      if (!allowed.contains(placeholders.group())) {
        throw new IllegalArgumentException(what + " '" + template + "' may not use " + placeholders.group()
            + "; allowed: " + String.join(", ", allowed));
      }
      any = true;
    }
    if (!any) {
      throw new IllegalArgumentException(what + " '" + template + "' must contain " + String.join(" or ", allowed));
    }
    this.template = template;
    try {
      Filter.create(expand(Map.of(USERNAME, "x", USER_DN, "cn=x")));
    } catch (LDAPException e) {
      throw new IllegalArgumentException(what + " '" + template + "' is not a valid LDAP filter: "
          + e.getDiagnosticMessage(), e);
    }
  }

  /** The filter with each placeholder replaced by its escaped value, in one pass. */
  String expand(Map<String, String> values) {
    return PLACEHOLDER.matcher(template)
        .replaceAll(match -> Matcher.quoteReplacement(Filter.encodeValue(values.get(match.group()))));
  }

  Filter filter(Map<String, String> values) throws LDAPException {
    return Filter.create(expand(values));
  }

  @Override
  public String toString() {
    return template;
  }
}
