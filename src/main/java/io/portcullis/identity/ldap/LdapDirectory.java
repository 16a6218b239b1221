package io.portcullis.identity.ldap;

import io.portcullis.auth.login.DirectoryUnavailableException;
import com.unboundid.ldap.sdk.BindRequest;
import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.FailoverServerSet;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPConnectionPool;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPSearchException;
import com.unboundid.ldap.sdk.LDAPURL;
import com.unboundid.ldap.sdk.OperationType;
import com.unboundid.ldap.sdk.PostConnectProcessor;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.ldap.sdk.ServerSet;
import com.unboundid.ldap.sdk.SimpleBindRequest;
import com.unboundid.ldap.sdk.SingleServerSet;
import com.unboundid.ldap.sdk.StartTLSPostConnectProcessor;
import com.unboundid.util.ssl.HostNameSSLSocketVerifier;
import com.unboundid.util.ssl.JVMDefaultTrustManager;
import com.unboundid.util.ssl.PEMFileTrustManager;
import com.unboundid.util.ssl.SSLUtil;
import io.portcullis.auth.Principal;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates users against an LDAP directory or Active Directory and reads their groups.
 *
 * <p>A login searches the user with the service account (the username escaped per RFC 4515, so it
 * cannot widen the filter), then binds as the entry found with the given password: the directory
 * alone judges the password, including its lockout and expiry rules. Searches and user binds use two
 * separate small connection pools, opened lazily, so constructing a directory does no I/O and the
 * registry starts while the directory is down.
 *
 * <p>Wrong credentials, unknown, ambiguous or malformed usernames and empty passwords all give an
 * empty answer, without saying which. A directory that cannot answer raises {@link
 * DirectoryUnavailableException}. Passwords are never logged. Thread-safe; close it to release the
 * connections.
 */
public final class LdapDirectory implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LdapDirectory.class);

  /** Longest username looked up; longer ones cannot be principals anyway. */
  static final int MAX_USERNAME_LENGTH = Principal.MAX_SUBJECT_LENGTH;
  /** Longest password sent to the directory, as for local passwords. */
  static final int MAX_PASSWORD_BYTES = 1024;
  /** Most group names kept per user; the rest are dropped with a warning. */
  static final int MAX_GROUPS = 1000;

  /** Results that mean "these credentials do not log in" rather than "the directory failed". */
  private static final Set<ResultCode> REFUSED_LOGIN = Set.of(
      ResultCode.INVALID_CREDENTIALS, ResultCode.INAPPROPRIATE_AUTHENTICATION,
      ResultCode.INSUFFICIENT_ACCESS_RIGHTS, ResultCode.UNWILLING_TO_PERFORM, ResultCode.CONSTRAINT_VIOLATION);

  private final LdapSettings settings;
  private final FilterTemplate userFilter;
  private final String[] userAttributes;
  private final LDAPConnectionPool searchPool;
  private final LDAPConnectionPool bindPool;

  /**
   * Prepares the connection pools without connecting.
   *
   * @throws IllegalArgumentException if the trusted certificates cannot be loaded
   */
  public LdapDirectory(LdapSettings settings) {
    this.settings = settings;
    this.userFilter = new FilterTemplate("user search filter", settings.userSearchFilter(), Set.of(FilterTemplate.USERNAME));
    List<String> attributes = new ArrayList<>(List.of(
        settings.usernameAttribute(), settings.displayNameAttribute(), settings.emailAttribute()));
    if (settings.groups() instanceof GroupResolution.MemberOf memberOf) {
      attributes.add(memberOf.attribute());
    }
    this.userAttributes = attributes.toArray(String[]::new);

    SSLSocketFactory tls = tlsSocketFactory(settings);
    ServerSet servers = serverSet(settings, tls);
    PostConnectProcessor startTls = settings.startTls() ? new StartTLSPostConnectProcessor(tls) : null;
    this.searchPool = pool(servers, new SimpleBindRequest(settings.bindDn(), settings.bindPassword()), startTls, "search");
    this.bindPool = pool(servers, null, startTls, "user-bind");
  }

  /**
   * Checks a username and password against the directory.
   *
   * @return the user with attributes and groups, or empty if the credentials do not log in
   * @throws DirectoryUnavailableException if the directory cannot be reached or refuses the service
   *     account or search base
   */
  public Optional<LdapUser> authenticate(String username, String password) {
    // An empty password would be an "unauthenticated bind", which many servers answer with success.
    if (!acceptableUsername(username) || password == null || password.isEmpty()
        || password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
      return Optional.empty();
    }
    Optional<SearchResultEntry> entry = findUser(username);
    if (entry.isEmpty() || !passwordAccepted(entry.get().getDN(), password)) {
      return Optional.empty();
    }
    return Optional.of(describe(entry.get(), username));
  }

  /**
   * Reads a user's current attributes and groups without a password, for scheduled group
   * synchronisation.
   *
   * @return empty if the directory no longer has (or, through the search filter, no longer admits)
   *     the user
   * @throws DirectoryUnavailableException if the directory cannot be reached
   */
  public Optional<LdapUser> lookup(String username) {
    if (!acceptableUsername(username)) {
      return Optional.empty();
    }
    return findUser(username).map(entry -> describe(entry, username));
  }

  @Override
  public void close() {
    searchPool.close();
    bindPool.close();
  }

  @Override
  public String toString() {
    return "LdapDirectory" + settings.urls();
  }

  private static boolean acceptableUsername(String username) {
    return username != null && !username.isBlank() && username.length() <= MAX_USERNAME_LENGTH
        && username.chars().noneMatch(Character::isISOControl);
  }

  private Optional<SearchResultEntry> findUser(String username) {
    SearchRequest request = new SearchRequest(settings.userSearchBase(), SearchScope.SUB,
        filter(userFilter, Map.of(FilterTemplate.USERNAME, username)), userAttributes);
    // Two are enough to tell "exactly one" from "ambiguous".
    request.setSizeLimit(2);
    List<SearchResultEntry> entries;
    try {
      entries = searchPool.search(request).getSearchEntries();
    } catch (LDAPSearchException e) {
      if (e.getResultCode() != ResultCode.SIZE_LIMIT_EXCEEDED) {
        throw unavailable("searching the user", e);
      }
      entries = e.getSearchEntries();
    }
    if (entries.size() > 1) {
      LOG.warn("LDAP user search {} matches several entries for one username; refusing it (fix the filter)",
          userFilter);
      return Optional.empty();
    }
    return entries.stream().findFirst();
  }

  private boolean passwordAccepted(String dn, String password) {
    try {
      bindPool.bind(new SimpleBindRequest(dn, password));
      return true;
    } catch (LDAPException e) {
      if (REFUSED_LOGIN.contains(e.getResultCode())) {
        return false;
      }
      throw unavailable("checking the password", e);
    }
  }

  private LdapUser describe(SearchResultEntry entry, String typedUsername) {
    String username = nonBlank(entry.getAttributeValue(settings.usernameAttribute())).orElse(typedUsername);
    String displayName = nonBlank(entry.getAttributeValue(settings.displayNameAttribute())).orElse(username);
    Optional<String> email = nonBlank(entry.getAttributeValue(settings.emailAttribute()));
    Set<String> groups = switch (settings.groups()) {
      case GroupResolution.MemberOf memberOf -> groupNamesFromDns(entry, memberOf.attribute());
      case GroupResolution.GroupSearch search -> searchGroups(search, entry.getDN(), username);
    };
    return new LdapUser(entry.getDN(), username, displayName, email, new TreeSet<>(groups));
  }

  private Set<String> groupNamesFromDns(SearchResultEntry entry, String attribute) {
    String[] dns = entry.getAttributeValues(attribute);
    Set<String> names = new TreeSet<>();
    if (dns == null) {
      return names;
    }
    for (String dn : dns) {
      if (names.size() == MAX_GROUPS) {
        LOG.warn("LDAP user {} has more than {} groups; the rest are ignored", entry.getDN(), MAX_GROUPS);
        break;
      }
      try {
        names.add(new DN(dn).getRDN().getAttributeValues()[0]);
      } catch (LDAPException e) {
        LOG.warn("LDAP user {} has a malformed {} value '{}'; ignored", entry.getDN(), attribute, dn);
      }
    }
    return names;
  }

  private Set<String> searchGroups(GroupResolution.GroupSearch search, String userDn, String username) {
    Filter groupFilter = filter(
        new FilterTemplate("group search filter", search.filter(), Set.of(FilterTemplate.USER_DN, FilterTemplate.USERNAME)),
        Map.of(FilterTemplate.USER_DN, userDn, FilterTemplate.USERNAME, username));
    SearchRequest request = new SearchRequest(search.base(), SearchScope.SUB, groupFilter, search.nameAttribute());
    request.setSizeLimit(MAX_GROUPS);
    List<SearchResultEntry> groups;
    try {
      groups = searchPool.search(request).getSearchEntries();
    } catch (LDAPSearchException e) {
      if (e.getResultCode() != ResultCode.SIZE_LIMIT_EXCEEDED) {
        throw unavailable("searching the user's groups", e);
      }
      LOG.warn("LDAP user {} has more than {} groups; the rest are ignored", userDn, MAX_GROUPS);
      groups = e.getSearchEntries();
    }
    Set<String> names = new TreeSet<>();
    for (SearchResultEntry group : groups) {
      nonBlank(group.getAttributeValue(search.nameAttribute())).ifPresent(names::add);
    }
    return names;
  }

  private static Filter filter(FilterTemplate template, Map<String, String> values) {
    try {
      return template.filter(values);
    } catch (LDAPException e) {
      // Escaped values cannot break a template that parsed when the settings were made.
      throw new IllegalStateException("filter " + template + " did not parse after substitution", e);
    }
  }

  private static Optional<String> nonBlank(String value) {
    return Optional.ofNullable(value).filter(v -> !v.isBlank());
  }

  private DirectoryUnavailableException unavailable(String doing, LDAPException e) {
    String reason = switch (e.getResultCode().intValue()) {
      case ResultCode.INVALID_CREDENTIALS_INT_VALUE ->
          "the directory refused the service account " + settings.bindDn() + " (check the bind DN and password)";
      case ResultCode.NO_SUCH_OBJECT_INT_VALUE ->
          "the search base does not exist (" + e.getMatchedDN() + " is the closest entry)";
      default -> e.getResultCode() + ": " + e.getMessage();
    };
    return new DirectoryUnavailableException(
        "LDAP directory " + String.join(", ", settings.urls()) + " unavailable while " + doing + ": " + reason, e);
  }

  private static SSLSocketFactory tlsSocketFactory(LdapSettings settings) {
    try {
      TrustManager trust = settings.trustedCertificates().isPresent()
          ? new PEMFileTrustManager(settings.trustedCertificates().get().toFile())
          : JVMDefaultTrustManager.getInstance();
      return new SSLUtil(trust).createSSLSocketFactory();
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot load the trusted certificates "
          + settings.trustedCertificates().map(Object::toString).orElse("of the JVM") + ": " + e.getMessage(), e);
    }
  }

  private static ServerSet serverSet(LdapSettings settings, SSLSocketFactory tls) {
    LDAPConnectionOptions options = new LDAPConnectionOptions();
    options.setConnectTimeoutMillis(millis(settings.connectTimeout()));
    options.setResponseTimeoutMillis(millis(settings.responseTimeout()));
    options.setSSLSocketVerifier(new HostNameSSLSocketVerifier(true));
    options.setBindWithDNRequiresPassword(true);
    options.setFollowReferrals(false);
    options.setUseSynchronousMode(true);
    List<ServerSet> servers = new ArrayList<>();
    for (String url : settings.urls()) {
      LDAPURL parsed = LdapSettings.parseUrl(url);
      SocketFactory sockets = parsed.getScheme().equals("ldaps") ? tls : SocketFactory.getDefault();
      servers.add(new SingleServerSet(parsed.getHost(), parsed.getPort(), sockets, options));
    }
    return servers.size() == 1 ? servers.getFirst() : new FailoverServerSet(servers);
  }

  private LDAPConnectionPool pool(ServerSet servers, BindRequest bind, PostConnectProcessor startTls, String purpose) {
    try {
      // No initial connections and no failure on connect: the pool fills on first use.
      LDAPConnectionPool pool = new LDAPConnectionPool(servers, bind, 0, settings.poolSize(), startTls, false);
      pool.setConnectionPoolName("ldap-" + purpose);
      pool.setRetryFailedOperationsDueToInvalidConnections(EnumSet.of(OperationType.SEARCH, OperationType.BIND));
      // Firewalls and Active Directory drop idle connections silently; recycle before that happens.
      pool.setMaxConnectionAgeMillis(Duration.ofMinutes(10).toMillis());
      return pool;
    } catch (LDAPException e) {
      throw unavailable("opening connections", e);
    }
  }

  private static int millis(Duration duration) {
    return (int) duration.toMillis();
  }
}
