package io.portcullis.auth.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimNames;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.portcullis.auth.AccessController;
import io.portcullis.auth.Action;
import io.portcullis.auth.CredentialStatus;
import io.portcullis.auth.Principal;
import io.portcullis.auth.ResourceScope;
import io.portcullis.auth.ResourceType;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Issues and verifies the bearer tokens of the Docker token authentication protocol.
 *
 * <p>A token is a JWT signed with ES256 by the current {@link SigningKeys} key (its id in {@code kid})
 * with the claims {@code iss}, {@code sub} (empty for anonymous clients), {@code aud} (the service),
 * {@code exp}, {@code nbf}, {@code iat}, {@code jti}, {@code access} (entries of {@code type},
 * {@code name}, {@code actions}) and the Portcullis claims {@code kind} and, when set, {@code flags}
 * describing the principal.
 *
 * <p>Verification accepts only ES256 with a key id of a trusted key, then checks the signature, issuer,
 * audience, {@code exp} and {@code nbf} (with the configured clock skew). Clients reuse one token for
 * many requests, so a successfully verified token is remembered until it expires, in a bounded cache;
 * a remembered token is still refused once expired or once its key is no longer trusted, and a token
 * that fails is never remembered. Thread-safe.
 */
public final class TokenService {
  /** Longest token accepted for verification, in characters; ours are far shorter. */
  public static final int MAX_TOKEN_LENGTH = 16 * 1024;

  static final String KIND_CLAIM = "kind";
  static final String FLAGS_CLAIM = "flags";
  static final String ACCESS_CLAIM = "access";
  static final String CREDENTIAL_CLAIM = "cred";

  /** How long a REST API session token lives: a working session, far longer than a registry token. */
  public static final Duration API_SESSION_LIFETIME = Duration.ofHours(8);

  private static final SecureRandom RANDOM = new SecureRandom();

  private final TokenSettings settings;
  private final SigningKeys keys;
  private final AccessController accessController;
  private final Clock clock;
  private final CredentialStatus credentials;
  private final DefaultJWTProcessor<SecurityContext> processor;
  private final DefaultJWTProcessor<SecurityContext> apiProcessor;
  private final Cache<String, VerifiedToken> verified;
  private final Cache<String, VerifiedToken> verifiedApiSessions;

  /**
   * @param clock the time tokens are issued and checked against ({@link Clock#systemUTC()} in production)
   */
  public TokenService(TokenSettings settings, SigningKeys keys, AccessController accessController,
      CredentialStatus credentials, Clock clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.accessController = Objects.requireNonNull(accessController, "accessController");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.processor = newProcessor(settings.service());
    this.apiProcessor = newProcessor(apiAudience());
    this.verified = newVerificationCache();
    this.verifiedApiSessions = newVerificationCache();
  }

  /**
   * Issues a token for {@code principal} carrying, for each requested resource, the requested actions
   * the access controller grants. Resources with nothing granted are left out; asking for nothing or
   * being granted nothing still yields a valid token (the registry refuses later), as the protocol asks.
   */
  public IssuedToken issue(Principal principal, List<ResourceScope> requested) {
    List<ResourceScope> granted = grantedScopes(principal, requested);
    return sign(principal, settings.service(), settings.lifetime(), granted);
  }

  /**
   * Issues a REST API session token: the only bearer token the REST API accepts, never accepted by the
   * registry (its audience differs), carrying no registry access of its own.
   */
  public IssuedToken issueApiSession(Principal principal) {
    return sign(principal, apiAudience(), API_SESSION_LIFETIME, List.of());
  }

  private IssuedToken sign(Principal principal, String audience, Duration lifetime, List<ResourceScope> granted) {
    Instant issuedAt = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    Instant expiresAt = issuedAt.plus(lifetime);
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
        .issuer(settings.issuer())
        .subject(principal.subject())
        .audience(audience)
        .expirationTime(Date.from(expiresAt))
        .notBeforeTime(Date.from(issuedAt))
        .issueTime(Date.from(issuedAt))
        .jwtID(randomTokenId())
        .claim(KIND_CLAIM, principal.kind().name().toLowerCase(Locale.ROOT))
        .claim(ACCESS_CLAIM, granted.stream().map(TokenService::accessEntry).toList());
    if (!principal.flags().isEmpty()) {
      claims.claim(FLAGS_CLAIM, principal.flags().stream().map(f -> f.name().toLowerCase(Locale.ROOT)).toList());
    }
    if (principal.credential() != null) {
      claims.claim(CREDENTIAL_CLAIM, principal.credential());
    }
    SigningKeys.KeyRing ring = keys.ring();
    SignedJWT jwt = new SignedJWT(
        new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT).keyID(ring.current().getKeyID()).build(),
        claims.build());
    try {
      jwt.sign(ring.signer());
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign token with key " + ring.current().getKeyID(), e);
    }
    return new IssuedToken(jwt.serialize(), lifetime, issuedAt, granted);
  }

  /** The audience of REST API session tokens. */
  private String apiAudience() {
    return settings.service() + "/api";
  }

  /**
   * Verifies a bearer token.
   *
   * @throws InvalidTokenException saying why the token is refused
   */
  public VerifiedToken verify(String token) {
    return verify(token, processor, verified);
  }

  /**
   * Verifies a REST API session token ({@link #issueApiSession}); registry tokens are refused.
   *
   * @throws InvalidTokenException saying why the token is refused
   */
  public VerifiedToken verifyApiSession(String token) {
    return verify(token, apiProcessor, verifiedApiSessions);
  }

  private VerifiedToken verify(String token, DefaultJWTProcessor<SecurityContext> with,
      Cache<String, VerifiedToken> remembered) {
    if (token == null || token.isEmpty()) {
      throw new InvalidTokenException("no token given");
    }
    if (token.length() > MAX_TOKEN_LENGTH) {
      throw new InvalidTokenException("token longer than " + MAX_TOKEN_LENGTH + " characters");
    }
    VerifiedToken result = remembered.getIfPresent(token);
    if (result != null && !stillValid(result)) {
      // Expired or signed by a key rotated out: verify afresh to report the precise reason.
      remembered.invalidate(token);
      result = null;
    }
    if (result == null) {
      result = verifyUncached(token, with);
      remembered.put(token, result);
    }
    String credential = result.principal().credential();
    if (credential != null && !credentials.isActive(credential)) {
      throw new InvalidTokenException("the credential this token was issued for is no longer valid");
    }
    return result;
  }

  /** Whether {@code token} allows {@code action} on the resource; see {@link VerifiedToken#permits}. */
  public boolean permits(VerifiedToken token, ResourceType type, String name, Action action) {
    return token.permits(type, name, action);
  }

  private List<ResourceScope> grantedScopes(Principal principal, List<ResourceScope> requested) {
    Map<Resource, EnumSet<Action>> byResource = new LinkedHashMap<>();
    for (ResourceScope scope : requested) {
      // Clamp to the request so a faulty controller cannot widen a token.
      Set<Action> granted = Action.allowed(scope.actions(), accessController.grant(principal, scope));
      if (!granted.isEmpty()) {
        byResource.computeIfAbsent(new Resource(scope.type(), scope.name()), r -> EnumSet.noneOf(Action.class))
            .addAll(granted);
      }
    }
    // Tokens carry no resource class: the specification deprecates it.
    return byResource.entrySet().stream()
        .map(e -> new ResourceScope(e.getKey().type(), e.getKey().name(), e.getValue()))
        .toList();
  }

  /** A resource irrespective of its deprecated class, for merging requests. */
  private record Resource(ResourceType type, String name) {}

  private static Map<String, Object> accessEntry(ResourceScope scope) {
    // Ordered so every token lists type, name, actions as the specification's examples do.
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("type", scope.type().wireName());
    entry.put("name", scope.name());
    entry.put("actions", scope.actions().stream().map(Action::wireName).toList());
    return entry;
  }

  private VerifiedToken verifyUncached(String token, DefaultJWTProcessor<SecurityContext> processor) {
    JWT parsed;
    try {
      parsed = JWTParser.parse(token);
    } catch (ParseException e) {
      throw new InvalidTokenException("malformed token: " + e.getMessage(), e);
    }
    if (!(parsed instanceof SignedJWT signed)) {
      throw new InvalidTokenException("token is not signed (alg " + parsed.getHeader().getAlgorithm() + ")");
    }
    JWSHeader header = signed.getHeader();
    if (!JWSAlgorithm.ES256.equals(header.getAlgorithm())) {
      throw new InvalidTokenException("token algorithm " + header.getAlgorithm() + " is not accepted, only ES256");
    }
    String keyId = header.getKeyID();
    if (keyId == null) {
      throw new InvalidTokenException("token has no key id (kid)");
    }
    if (!keys.ring().trusts(keyId)) {
      throw new InvalidTokenException("token is signed with unknown key id '" + keyId + "'");
    }
    JWTClaimsSet claims;
    try {
      claims = processor.process(signed, null);
    } catch (BadJOSEException | JOSEException e) {
      throw new InvalidTokenException("token rejected: " + e.getMessage(), e);
    }
    return toVerifiedToken(claims, keyId);
  }

  private static VerifiedToken toVerifiedToken(JWTClaimsSet claims, String keyId) {
    try {
      Principal.Kind kind = Principal.Kind.valueOf(claims.getStringClaim(KIND_CLAIM).toUpperCase(Locale.ROOT));
      List<String> flagNames = claims.getStringListClaim(FLAGS_CLAIM);
      Set<Principal.Flag> flags = EnumSet.noneOf(Principal.Flag.class);
      if (flagNames != null) {
        flagNames.forEach(f -> flags.add(Principal.Flag.valueOf(f.toUpperCase(Locale.ROOT))));
      }
      Principal principal = new Principal(claims.getSubject(), kind, flags, claims.getStringClaim(CREDENTIAL_CLAIM));
      List<ResourceScope> access = new ArrayList<>();
      for (Object entry : claims.getListClaim(ACCESS_CLAIM)) {
        access.add(fromAccessEntry(entry));
      }
      return new VerifiedToken(principal, access, claims.getExpirationTime().toInstant(), claims.getJWTID(), keyId);
    } catch (ParseException | RuntimeException e) {
      throw new InvalidTokenException("token claims are malformed: " + e.getMessage(), e);
    }
  }

  private static ResourceScope fromAccessEntry(Object entry) {
    if (!(entry instanceof Map<?, ?> map)
        || !(map.get("type") instanceof String type)
        || !(map.get("name") instanceof String name)
        || !(map.get("actions") instanceof List<?> actionNames)) {
      throw new IllegalArgumentException("access entry is not {type, name, actions}: " + entry);
    }
    EnumSet<Action> actions = EnumSet.noneOf(Action.class);
    for (Object action : actionNames) {
      actions.add(Action.fromWireName(String.valueOf(action)));
    }
    return new ResourceScope(ResourceType.fromWireName(type), name, actions);
  }

  private DefaultJWTProcessor<SecurityContext> newProcessor(String audience) {
    // Reads the key ring on every call so that a rotation takes effect at once.
    JWKSource<SecurityContext> trusted = (selector, context) -> selector.select(keys.verificationKeys());
    DefaultJWTClaimsVerifier<SecurityContext> claimsVerifier = new DefaultJWTClaimsVerifier<>(
        Set.of(audience),
        new JWTClaimsSet.Builder().issuer(settings.issuer()).build(),
        Set.of(JWTClaimNames.SUBJECT, JWTClaimNames.EXPIRATION_TIME, JWTClaimNames.NOT_BEFORE,
            JWTClaimNames.ISSUED_AT, JWTClaimNames.JWT_ID, KIND_CLAIM, ACCESS_CLAIM),
        Set.of()) {
      @Override
      protected Date currentTime() {
        return Date.from(clock.instant());
      }
    };
    claimsVerifier.setMaxClockSkew((int) settings.clockSkew().toSeconds());
    DefaultJWTProcessor<SecurityContext> jwtProcessor = new DefaultJWTProcessor<>();
    jwtProcessor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256, trusted));
    jwtProcessor.setJWTClaimsSetVerifier(claimsVerifier);
    return jwtProcessor;
  }

  private Cache<String, VerifiedToken> newVerificationCache() {
    return Caffeine.newBuilder()
        .maximumSize(settings.verificationCacheSize())
        // Housekeeping is cheap; running it on the verifying thread keeps the bound exact.
        .executor(Runnable::run)
        .expireAfter(Expiry.<String, VerifiedToken>creating((token, result) -> remainingValidity(result)))
        .build();
  }

  /** Same bound as the claims verifier: valid while now is before exp + skew. */
  private boolean stillValid(VerifiedToken token) {
    return clock.instant().isBefore(token.expiresAt().plus(settings.clockSkew()))
        && keys.ring().trusts(token.keyId());
  }

  private Duration remainingValidity(VerifiedToken token) {
    Duration remaining = Duration.between(clock.instant(), token.expiresAt().plus(settings.clockSkew()));
    return remaining.isNegative() ? Duration.ZERO : remaining;
  }

  private static String randomTokenId() {
    byte[] id = new byte[16];
    RANDOM.nextBytes(id);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(id);
  }
}
