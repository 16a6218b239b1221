package io.portcullis.identity.ldap;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPURL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How to reach and read an LDAP directory. Validated on construction, so a bad configuration fails
 * at startup rather than at the first login.
 *
 * @param urls                 {@code ldap://host[:389]} or {@code ldaps://host[:636]}, tried in order
 *                             (the first that answers is used, the rest are fail-over)
 * @param startTls             upgrade {@code ldap://} connections with StartTLS before binding; not
 *                             allowed with {@code ldaps://}
 * @param trustedCertificates  PEM file with the CA certificate(s) for {@code ldaps}/StartTLS; the JVM's
 *                             default trust store when empty. Host names are always verified
 * @param bindDn               the service account that searches users and groups
 * @param bindPassword         its password (the caller keeps it encrypted at rest)
 * @param userSearchBase       where users are searched (subtree)
 * @param userSearchFilter     with {@code {0}} for the escaped username: {@code (uid={0})} on OpenLDAP,
 *                             {@code (sAMAccountName={0})} on Active Directory
 * @param usernameAttribute    attribute whose value becomes the username ({@code uid},
 *                             {@code sAMAccountName}); the typed name when the entry lacks it
 * @param displayNameAttribute {@code cn} or {@code displayName}
 * @param emailAttribute       usually {@code mail}
 * @param groups               how group memberships are read
 * @param connectTimeout       for establishing a connection (including TLS), at most 5 minutes
 * @param responseTimeout      for each operation, at most 5 minutes
 * @param poolSize             connections kept open for searches and, separately, for user binds
 */
public record LdapSettings(
    List<String> urls,
    boolean startTls,
    Optional<Path> trustedCertificates,
    String bindDn,
    String bindPassword,
    String userSearchBase,
    String userSearchFilter,
    String usernameAttribute,
    String displayNameAttribute,
    String emailAttribute,
    GroupResolution groups,
    Duration connectTimeout,
    Duration responseTimeout,
    int poolSize) {

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(10);
  public static final int DEFAULT_POOL_SIZE = 4;
  private static final Duration MAX_TIMEOUT = Duration.ofMinutes(5);
  private static final int MAX_POOL_SIZE = 64;

  /** @throws IllegalArgumentException naming the first value that is missing or malformed */
  public LdapSettings {
    urls = List.copyOf(urls);
    if (urls.isEmpty()) {
      throw new IllegalArgumentException("at least one LDAP URL is required");
    }
    for (String url : urls) {
      String scheme = parseUrl(url).getScheme();
      if (startTls && scheme.equals("ldaps")) {
        throw new IllegalArgumentException("StartTLS cannot be combined with ldaps:// (" + url + "): use one or the other");
      }
    }
    Objects.requireNonNull(trustedCertificates, "trustedCertificates");
    requireDn(bindDn, "bind DN");
    Objects.requireNonNull(bindPassword, "bindPassword");
    if (bindPassword.isEmpty()) {
      throw new IllegalArgumentException("the bind password must not be empty (an empty password is an anonymous bind)");
    }
    requireDn(userSearchBase, "user search base");
    new FilterTemplate("user search filter", userSearchFilter, Set.of(FilterTemplate.USERNAME));
    requireNonBlank(usernameAttribute, "username attribute");
    requireNonBlank(displayNameAttribute, "display name attribute");
    requireNonBlank(emailAttribute, "e-mail attribute");
    Objects.requireNonNull(groups, "groups");
    if (groups instanceof GroupResolution.GroupSearch search) {
      requireDn(search.base(), "group search base");
    }
    requireTimeout(connectTimeout, "connect timeout");
    requireTimeout(responseTimeout, "response timeout");
    if (poolSize < 1 || poolSize > MAX_POOL_SIZE) {
      throw new IllegalArgumentException("pool size must be between 1 and " + MAX_POOL_SIZE + ", not " + poolSize);
    }
  }

  /**
   * Settings for a typical OpenLDAP directory: {@code (uid={0})}, {@code uid}, {@code cn}, {@code mail},
   * {@code memberOf}, no StartTLS, default timeouts and pool size.
   */
  public static Builder openLdap(String url, String bindDn, String bindPassword, String userSearchBase) {
    return new Builder(url, bindDn, bindPassword, userSearchBase, "uid", "cn");
  }

  /**
   * Settings for Active Directory: {@code (sAMAccountName={0})}, {@code sAMAccountName},
   * {@code displayName}, {@code mail}, {@code memberOf}, no StartTLS, default timeouts and pool size.
   */
  public static Builder activeDirectory(String url, String bindDn, String bindPassword, String userSearchBase) {
    return new Builder(url, bindDn, bindPassword, userSearchBase, "sAMAccountName", "displayName");
  }

  /** Starts from a directory type's defaults; {@link #build()} validates. */
  public static final class Builder {
    private List<String> urls;
    private boolean startTls;
    private Optional<Path> trustedCertificates = Optional.empty();
    private final String bindDn;
    private final String bindPassword;
    private final String userSearchBase;
    private String userSearchFilter;
    private String usernameAttribute;
    private String displayNameAttribute;
    private String emailAttribute = "mail";
    private GroupResolution groups = new GroupResolution.MemberOf("memberOf");
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration responseTimeout = DEFAULT_RESPONSE_TIMEOUT;
    private int poolSize = DEFAULT_POOL_SIZE;

    private Builder(String url, String bindDn, String bindPassword, String userSearchBase,
        String usernameAttribute, String displayNameAttribute) {
      this.urls = List.of(url);
      this.bindDn = bindDn;
      this.bindPassword = bindPassword;
      this.userSearchBase = userSearchBase;
      this.userSearchFilter = "(" + usernameAttribute + "={0})";
      this.usernameAttribute = usernameAttribute;
      this.displayNameAttribute = displayNameAttribute;
    }

    public Builder urls(List<String> urls) {
      this.urls = urls;
      return this;
    }

    public Builder startTls(boolean startTls) {
      this.startTls = startTls;
      return this;
    }

    public Builder trustedCertificates(Path pemFile) {
      this.trustedCertificates = Optional.of(pemFile);
      return this;
    }

    public Builder userSearchFilter(String userSearchFilter) {
      this.userSearchFilter = userSearchFilter;
      return this;
    }

    public Builder usernameAttribute(String usernameAttribute) {
      this.usernameAttribute = usernameAttribute;
      return this;
    }

    public Builder displayNameAttribute(String displayNameAttribute) {
      this.displayNameAttribute = displayNameAttribute;
      return this;
    }

    public Builder emailAttribute(String emailAttribute) {
      this.emailAttribute = emailAttribute;
      return this;
    }

    public Builder groups(GroupResolution groups) {
      this.groups = groups;
      return this;
    }

    public Builder timeouts(Duration connectTimeout, Duration responseTimeout) {
      this.connectTimeout = connectTimeout;
      this.responseTimeout = responseTimeout;
      return this;
    }

    public Builder poolSize(int poolSize) {
      this.poolSize = poolSize;
      return this;
    }

    /** @throws IllegalArgumentException naming the first value that is missing or malformed */
    public LdapSettings build() {
      return new LdapSettings(urls, startTls, trustedCertificates, bindDn, bindPassword, userSearchBase,
          userSearchFilter, usernameAttribute, displayNameAttribute, emailAttribute, groups, connectTimeout,
          responseTimeout, poolSize);
    }
  }

  /** Keeps the bind password out of logs and error messages. */
  @Override
  public String toString() {
    return "LdapSettings[urls=" + urls + ", startTls=" + startTls + ", bindDn=" + bindDn
        + ", userSearchBase=" + userSearchBase + ", userSearchFilter=" + userSearchFilter
        + ", groups=" + groups + "]";
  }

  static LDAPURL parseUrl(String url) {
    try {
      LDAPURL parsed = new LDAPURL(url);
      if (!parsed.hostProvided()) {
        throw new IllegalArgumentException("LDAP URL '" + url + "' names no host");
      }
      return parsed;
    } catch (LDAPException e) {
      throw new IllegalArgumentException("invalid LDAP URL '" + url + "': " + e.getDiagnosticMessage(), e);
    }
  }

  private static void requireDn(String dn, String what) {
    requireNonBlank(dn, what);
    if (!DN.isValidDN(dn)) {
      throw new IllegalArgumentException(what + " '" + dn + "' is not a valid DN");
    }
  }

  private static void requireNonBlank(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
  }

  private static void requireTimeout(Duration timeout, String what) {
    Objects.requireNonNull(timeout, what);
    if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
      throw new IllegalArgumentException(what + " must be between 1 ms and " + MAX_TIMEOUT + ", not " + timeout);
    }
  }
}
