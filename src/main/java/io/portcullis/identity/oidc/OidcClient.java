package io.portcullis.identity.oidc;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.GeneralException;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionSuccessResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.util.URLUtils;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.UserInfoRequest;
import com.nimbusds.openid.connect.sdk.UserInfoResponse;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.claims.UserInfo;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.token.OIDCTokens;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import io.portcullis.auth.Principal;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OpenID Connect relying party: the authorization-code flow with PKCE for browser logins, and
 * validation of provider access tokens presented by command-line clients.
 *
 * <p>The provider's discovery document is fetched on first use (so the registry starts while the
 * provider is down) and then kept; its signing keys are cached and re-fetched when a token names an
 * unknown key. ID tokens must be signed with an asymmetric algorithm the provider announces (never
 * {@code none} or HMAC). Claims missing from the ID token are read from the userinfo endpoint.
 *
 * <p>Thread-safe. The web edge owns the HTTP side: it redirects to {@link #start()}'s URL, keeps the
 * {@link PendingLogin} server-side, and passes the callback's query string to {@link #complete}.
 */
public final class OidcClient {
  private static final Logger LOG = LoggerFactory.getLogger(OidcClient.class);

  /** Longest callback query accepted; real ones are a few hundred bytes. */
  static final int MAX_CALLBACK_LENGTH = 8 * 1024;
  /** Longest access token accepted. */
  static final int MAX_ACCESS_TOKEN_LENGTH = 16 * 1024;
  /** Most group names kept per user; the rest are dropped with a warning. */
  static final int MAX_GROUPS = 1000;
  private static final int MAX_JWKS_BYTES = 512 * 1024;
  private static final int MAX_ACCESS_TOKEN_CACHE_ENTRIES = 10_000;

  private final OidcSettings settings;
  private final Issuer issuer;
  private final ClientID clientId;
  private final Clock clock;
  private final Cache<String, ValidatedAccessToken> accessTokens;
  private final ReentrantLock discovery = new ReentrantLock();
  private volatile Provider provider;

  /** The provider as discovered: endpoints, ID token checks, how this client authenticates. */
  private record Provider(OIDCProviderMetadata metadata, IDTokenValidator idTokens, ClientAuthentication clientAuthentication) {}

  private record ValidatedAccessToken(OidcUser user, Duration lifetime) {}

  /** Does no I/O; the provider is contacted on first use. */
  public OidcClient(OidcSettings settings) {
    this(settings, Clock.systemUTC());
  }

  OidcClient(OidcSettings settings, Clock clock) {
    this.settings = settings;
    this.issuer = new Issuer(settings.issuer());
    this.clientId = new ClientID(settings.clientId());
    this.clock = clock;
    this.accessTokens = Caffeine.newBuilder()
        .maximumSize(MAX_ACCESS_TOKEN_CACHE_ENTRIES)
        .expireAfter(Expiry.<String, ValidatedAccessToken>creating((key, token) -> token.lifetime()))
        .build();
  }

  /**
   * Begins a login: fresh state, nonce and PKCE verifier, and the authorization URL carrying the
   * state, nonce and S256 challenge.
   *
   * @throws OidcProviderUnavailableException if the provider's discovery document cannot be read
   */
  public AuthorizationRedirect start() {
    Provider provider = provider();
    State state = new State();
    Nonce nonce = new Nonce();
    CodeVerifier verifier = new CodeVerifier();
    AuthenticationRequest request = new AuthenticationRequest.Builder(
        ResponseType.CODE, new Scope(settings.scopes().toArray(String[]::new)), clientId, settings.redirectUri())
        .endpointURI(provider.metadata().getAuthorizationEndpointURI())
        .state(state)
        .nonce(nonce)
        .codeChallenge(verifier, CodeChallengeMethod.S256)
        .build();
    return new AuthorizationRedirect(request.toURI(),
        new PendingLogin(state.getValue(), nonce.getValue(), verifier.getValue()));
  }

  /**
   * Finishes a login: checks the callback against the pending login, exchanges the code (with the
   * PKCE verifier) for tokens, validates the ID token and reads the user.
   *
   * @param callbackQuery the raw query string the provider redirected the browser with (without
   *                      {@code ?})
   * @param pending       what {@link #start()} returned for this browser session; use it once
   * @throws OidcStateMismatchException     if the callback's state is not the pending one
   * @throws OidcInvalidCallbackException   if the callback is malformed or names another issuer
   * @throws OidcProviderErrorException     if the provider reports an error (denied consent, bad code)
   * @throws OidcInvalidTokenException      if the ID token fails validation (including the nonce)
   * @throws OidcProviderUnavailableException if the provider cannot be reached
   */
  public OidcUser complete(String callbackQuery, PendingLogin pending) {
    AuthorizationResponse response = parseCallback(callbackQuery);
    if (response.getState() == null || !constantTimeEquals(response.getState().getValue(), pending.state())) {
      throw new OidcStateMismatchException(response.getState() == null
          ? "the callback carries no state"
          : "the callback's state does not match the login started in this session");
    }
    Provider provider = provider();
    checkCallbackIssuer(response, provider);
    if (!response.indicatesSuccess()) {
      throw providerError("the provider refused the login", response.toErrorResponse().getErrorObject());
    }
    AuthorizationCode code = response.toSuccessResponse().getAuthorizationCode();
    if (code == null) {
      throw new OidcInvalidCallbackException("the callback carries neither a code nor an error", null);
    }
    OIDCTokens tokens = exchange(provider, code, new CodeVerifier(pending.codeVerifier()));
    IDTokenClaimsSet idToken = validateIdToken(provider, tokens.getIDTokenString(), new Nonce(pending.nonce()));
    String subject = idToken.getSubject().getValue();
    Map<String, Object> claims = idToken.toJSONObject();
    if (!claims.containsKey(settings.usernameClaim()) || !claims.containsKey(settings.groupsClaim())) {
      claims = withUserInfo(provider, tokens.getAccessToken(), subject, claims);
    }
    return toUser(subject, claims);
  }

  /**
   * Identifies the user behind an access token the provider issued, for clients that log in with one
   * (e.g. {@code docker login} with the token as password). Where the provider offers token
   * introspection, the token must be active and issued to one of the accepted clients; the user's
   * claims come from the userinfo endpoint. Results are cached for {@link
   * OidcSettings#accessTokenCacheTime()}, never beyond the token's expiry; failures are not cached.
   *
   * @throws OidcInvalidTokenException      if the token is malformed, inactive, expired, revoked or
   *                                        issued to a client not accepted
   * @throws OidcProviderErrorException     if the provider refuses this client's introspection call
   * @throws OidcProviderUnavailableException if the provider cannot be reached
   */
  public OidcUser validateAccessToken(String bearer) {
    if (bearer == null || bearer.isEmpty() || bearer.length() > MAX_ACCESS_TOKEN_LENGTH
        || !bearer.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new OidcInvalidTokenException("the access token is empty, longer than " + MAX_ACCESS_TOKEN_LENGTH
          + " characters or not printable ASCII", null);
    }
    String key = sha256(bearer);
    ValidatedAccessToken cached = accessTokens.getIfPresent(key);
    if (cached != null) {
      return cached.user();
    }
    Provider provider = provider();
    AccessToken token = new BearerAccessToken(bearer);
    Duration lifetime = settings.accessTokenCacheTime();
    Optional<String> introspectedSubject = Optional.empty();
    if (provider.metadata().getIntrospectionEndpointURI() != null) {
      TokenIntrospectionSuccessResponse introspection = introspect(provider, token);
      if (introspection.getExpirationTime() != null) {
        Duration remaining = Duration.between(clock.instant(), introspection.getExpirationTime().toInstant());
        lifetime = remaining.compareTo(lifetime) < 0 ? remaining : lifetime;
      }
      introspectedSubject = Optional.ofNullable(introspection.getSubject()).map(Object::toString);
    }
    Map<String, Object> claims = userInfo(provider, token);
    String subject = subjectOf(claims);
    if (introspectedSubject.isPresent() && !introspectedSubject.get().equals(subject)) {
      throw new OidcInvalidTokenException("userinfo names another subject than the token introspection", null);
    }
    OidcUser user = toUser(subject, claims);
    if (lifetime.isPositive()) {
      accessTokens.put(key, new ValidatedAccessToken(user, lifetime));
    }
    return user;
  }

  @Override
  public String toString() {
    return "OidcClient[" + settings.issuer() + ", client " + settings.clientId() + "]";
  }

  /** Validates an ID token as {@link #complete} does; for tests that present forged tokens. */
  IDTokenClaimsSet validateIdToken(String idToken, String nonce) {
    return validateIdToken(provider(), idToken, new Nonce(nonce));
  }

  private AuthorizationResponse parseCallback(String query) {
    if (query == null || query.isEmpty() || query.length() > MAX_CALLBACK_LENGTH) {
      throw new OidcInvalidCallbackException("the callback query is empty or longer than " + MAX_CALLBACK_LENGTH
          + " characters", null);
    }
    try {
      return AuthorizationResponse.parse(settings.redirectUri(), URLUtils.parseParameters(query));
    } catch (ParseException | IllegalArgumentException e) {
      throw new OidcInvalidCallbackException("the callback is not an authorization response: " + e.getMessage(), e);
    }
  }

  /** RFC 9207: a callback naming another issuer was meant for another provider (mix-up attack). */
  private void checkCallbackIssuer(AuthorizationResponse response, Provider provider) {
    Issuer named = response.getIssuer();
    if (named == null && provider.metadata().supportsAuthorizationResponseIssuerParam()) {
      throw new OidcInvalidCallbackException("the callback lacks the iss parameter the provider announces", null);
    }
    if (named != null && !named.equals(issuer)) {
      throw new OidcInvalidCallbackException("the callback comes from issuer " + named + ", not " + issuer, null);
    }
  }

  private OIDCTokens exchange(Provider provider, AuthorizationCode code, CodeVerifier verifier) {
    TokenRequest request = new TokenRequest(provider.metadata().getTokenEndpointURI(),
        provider.clientAuthentication(), new AuthorizationCodeGrant(code, settings.redirectUri(), verifier));
    TokenResponse response;
    try {
      response = OIDCTokenResponseParser.parse(send(request.toHTTPRequest(), "token endpoint"));
    } catch (ParseException e) {
      throw new OidcProviderUnavailableException("the token endpoint's answer is not a token response: " + e.getMessage(), e);
    }
    if (!response.indicatesSuccess()) {
      throw providerError("the token endpoint refused the code", response.toErrorResponse().getErrorObject());
    }
    if (!(response instanceof OIDCTokenResponse oidc) || oidc.getOIDCTokens().getIDTokenString() == null) {
      throw new OidcInvalidTokenException("the token endpoint returned no ID token (is the openid scope granted?)", null);
    }
    return oidc.getOIDCTokens();
  }

  private IDTokenClaimsSet validateIdToken(Provider provider, String idToken, Nonce nonce) {
    try {
      return provider.idTokens().validate(JWTParser.parse(idToken), nonce);
    } catch (java.text.ParseException e) {
      throw new OidcInvalidTokenException("the ID token is not a JWT: " + e.getMessage(), e);
    } catch (KeySourceException e) {
      throw new OidcProviderUnavailableException("cannot fetch the provider's signing keys: " + e.getMessage(), e);
    } catch (BadJOSEException | JOSEException e) {
      throw new OidcInvalidTokenException("ID token rejected: " + e.getMessage(), e);
    }
  }

  private Map<String, Object> withUserInfo(Provider provider, AccessToken token, String subject, Map<String, Object> idClaims) {
    if (provider.metadata().getUserInfoEndpointURI() == null || token == null) {
      return idClaims;
    }
    Map<String, Object> userInfo = userInfo(provider, token);
    // OpenID Connect Core 5.3.2: userinfo for another subject must not be used.
    if (!subject.equals(subjectOf(userInfo))) {
      throw new OidcInvalidTokenException("userinfo names another subject than the ID token", null);
    }
    Map<String, Object> merged = new HashMap<>(userInfo);
    merged.putAll(idClaims);
    return merged;
  }

  private Map<String, Object> userInfo(Provider provider, AccessToken token) {
    URI endpoint = provider.metadata().getUserInfoEndpointURI();
    if (endpoint == null) {
      throw new OidcProviderUnavailableException("the provider has no userinfo endpoint", null);
    }
    UserInfoResponse response;
    try {
      response = UserInfoResponse.parse(send(new UserInfoRequest(endpoint, token).toHTTPRequest(), "userinfo endpoint"));
    } catch (ParseException e) {
      throw new OidcProviderUnavailableException("the userinfo endpoint's answer is not a userinfo response: "
          + e.getMessage(), e);
    }
    if (!response.indicatesSuccess()) {
      ErrorObject error = response.toErrorResponse().getErrorObject();
      if (error.getHTTPStatusCode() == 401 || "invalid_token".equals(error.getCode())) {
        throw new OidcInvalidTokenException("the provider rejected the access token: " + describe(error), null);
      }
      throw providerError("the userinfo endpoint refused the access token", error);
    }
    UserInfo info = response.toSuccessResponse().getUserInfo();
    if (info == null) {
      throw new OidcProviderUnavailableException("signed or encrypted userinfo responses are not supported", null);
    }
    return info.toJSONObject();
  }

  private TokenIntrospectionSuccessResponse introspect(Provider provider, AccessToken token) {
    TokenIntrospectionRequest request = new TokenIntrospectionRequest(
        provider.metadata().getIntrospectionEndpointURI(), provider.clientAuthentication(), token);
    TokenIntrospectionResponse response;
    try {
      response = TokenIntrospectionResponse.parse(send(request.toHTTPRequest(), "introspection endpoint"));
    } catch (ParseException e) {
      throw new OidcProviderUnavailableException("the introspection endpoint's answer is not an introspection response: "
          + e.getMessage(), e);
    }
    if (!response.indicatesSuccess()) {
      throw providerError("the introspection endpoint refused this client", response.toErrorResponse().getErrorObject());
    }
    TokenIntrospectionSuccessResponse introspection = response.toSuccessResponse();
    if (!introspection.isActive()) {
      throw new OidcInvalidTokenException("the access token is not active (expired, revoked or unknown)", null);
    }
    ClientID holder = introspection.getClientID();
    if (holder == null || !settings.acceptedAccessTokenClients().contains(holder.getValue())) {
      throw new OidcInvalidTokenException("the access token was issued to client " + holder
          + ", which is not accepted", null);
    }
    return introspection;
  }

  private OidcUser toUser(String subject, Map<String, Object> claims) {
    String username = stringClaim(claims, settings.usernameClaim()).orElse(subject);
    if (username.length() > Principal.MAX_SUBJECT_LENGTH || username.chars().anyMatch(Character::isISOControl)) {
      throw new OidcInvalidTokenException("the " + settings.usernameClaim() + " claim is longer than "
          + Principal.MAX_SUBJECT_LENGTH + " characters or contains control characters", null);
    }
    return new OidcUser(subject, username, stringClaim(claims, "name").orElse(username),
        stringClaim(claims, "email"), groups(claims.get(settings.groupsClaim()), username));
  }

  private TreeSet<String> groups(Object claim, String username) {
    Collection<?> values = switch (claim) {
      case null -> List.of();
      case String single -> List.of(single);
      case Collection<?> many -> many;
      default -> throw new OidcInvalidTokenException("the " + settings.groupsClaim()
          + " claim is neither a string nor a list of strings", null);
    };
    TreeSet<String> names = new TreeSet<>();
    for (Object value : values) {
      if (!(value instanceof String name)) {
        throw new OidcInvalidTokenException("the " + settings.groupsClaim() + " claim contains a non-string", null);
      }
      if (names.size() == MAX_GROUPS) {
        LOG.warn("OIDC user {} has more than {} groups; the rest are ignored", username, MAX_GROUPS);
        break;
      }
      if (!name.isBlank()) {
        names.add(name);
      }
    }
    return names;
  }

  private static Optional<String> stringClaim(Map<String, Object> claims, String name) {
    return claims.get(name) instanceof String value && !value.isBlank() ? Optional.of(value) : Optional.empty();
  }

  private static String subjectOf(Map<String, Object> claims) {
    return stringClaim(claims, "sub").orElseThrow(
        () -> new OidcInvalidTokenException("the provider's answer names no subject", null));
  }

  private HTTPResponse send(HTTPRequest request, String endpoint) {
    int timeout = (int) settings.httpTimeout().toMillis();
    request.setConnectTimeout(timeout);
    request.setReadTimeout(timeout);
    request.setFollowRedirects(false);
    try {
      return request.send();
    } catch (IOException e) {
      throw new OidcProviderUnavailableException("cannot reach the provider's " + endpoint + " at "
          + request.getURI() + ": " + e.getMessage(), e);
    }
  }

  private Provider provider() {
    Provider known = provider;
    if (known != null) {
      return known;
    }
    discovery.lock();
    try {
      if (provider == null) {
        provider = discover();
      }
      return provider;
    } finally {
      discovery.unlock();
    }
  }

  private Provider discover() {
    int timeout = (int) settings.httpTimeout().toMillis();
    OIDCProviderMetadata metadata;
    try {
      metadata = OIDCProviderMetadata.resolve(issuer, timeout, timeout);
    } catch (IOException e) {
      throw new OidcProviderUnavailableException("cannot fetch the discovery document of " + issuer + ": "
          + e.getMessage(), e);
    } catch (GeneralException e) {
      throw new OidcProviderUnavailableException("the discovery document of " + issuer + " is not usable: "
          + e.getMessage(), e);
    }
    if (metadata.getAuthorizationEndpointURI() == null || metadata.getTokenEndpointURI() == null
        || metadata.getJWKSetURI() == null) {
      throw new OidcProviderUnavailableException("the discovery document of " + issuer
          + " lacks the authorization, token or JWKS endpoint", null);
    }
    // Asymmetric signatures only: HMAC would make the client secret a token-forging key, none is no check.
    Set<JWSAlgorithm> algorithms = Optional.ofNullable(metadata.getIDTokenJWSAlgs()).orElse(List.of()).stream()
        .filter(JWSAlgorithm.Family.SIGNATURE::contains)
        .collect(Collectors.toUnmodifiableSet());
    if (algorithms.isEmpty()) {
      throw new OidcProviderUnavailableException("the provider " + issuer + " signs ID tokens only with "
          + metadata.getIDTokenJWSAlgs() + "; an asymmetric algorithm (RS256, ES256, ...) is required", null);
    }
    JWKSource<SecurityContext> keys;
    try {
      keys = JWKSourceBuilder.<SecurityContext>create(metadata.getJWKSetURI().toURL(),
          new DefaultResourceRetriever(timeout, timeout, MAX_JWKS_BYTES)).build();
    } catch (MalformedURLException | IllegalArgumentException e) {
      throw new OidcProviderUnavailableException("the provider's JWKS URI " + metadata.getJWKSetURI()
          + " is not a URL", e);
    }
    IDTokenValidator idTokens = new IDTokenValidator(issuer, clientId, new JWSVerificationKeySelector<>(algorithms, keys), null);
    idTokens.setMaxClockSkew((int) settings.clockSkew().toSeconds());
    return new Provider(metadata, idTokens, clientAuthentication(metadata.getTokenEndpointAuthMethods()));
  }

  /** client_secret_basic is the default (RFC 8414); client_secret_post only for providers without it. */
  private ClientAuthentication clientAuthentication(List<ClientAuthenticationMethod> supported) {
    Secret secret = new Secret(settings.clientSecret());
    if (supported == null || supported.contains(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)) {
      return new ClientSecretBasic(clientId, secret);
    }
    if (supported.contains(ClientAuthenticationMethod.CLIENT_SECRET_POST)) {
      return new ClientSecretPost(clientId, secret);
    }
    throw new OidcProviderUnavailableException("the provider " + issuer + " supports neither client_secret_basic nor "
        + "client_secret_post at its token endpoint, only " + supported, null);
  }

  private static OidcProviderErrorException providerError(String context, ErrorObject error) {
    String code = error.getCode() != null ? error.getCode() : "unknown";
    return new OidcProviderErrorException(code, context + ": " + describe(error));
  }

  private static String describe(ErrorObject error) {
    String text = (error.getCode() != null ? error.getCode() : "HTTP " + error.getHTTPStatusCode())
        + (error.getDescription() != null ? " (" + error.getDescription() + ")" : "");
    // Descriptions come from the provider and end up in logs: keep them short and on one line.
    return text.replaceAll("\\p{Cntrl}", " ").substring(0, Math.min(text.length(), 300));
  }

  private static boolean constantTimeEquals(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  private static String sha256(String value) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }
}
