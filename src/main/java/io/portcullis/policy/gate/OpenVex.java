package io.portcullis.policy.gate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.scan.match.Finding;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OpenVEX documents (v0.2.0, and the string forms of v0.0.x): which vulnerabilities do not affect an image.
 * Only what suppression needs is read; anything else in the document is ignored.
 */
public final class OpenVex {
  /** The artifact type (and layer media type) of an OpenVEX document attached to an image. */
  public static final String MEDIA_TYPE = "application/vnd.openvex+json";
  /** Justifications OpenVEX defines for {@code not_affected}. */
  public static final Set<String> JUSTIFICATIONS = Set.of("component_not_present", "vulnerable_code_not_present",
      "vulnerable_code_not_in_execute_path", "vulnerable_code_cannot_be_controlled_by_adversary",
      "inline_mitigations_already_exist");
  private static final Pattern DIGEST = Pattern.compile("sha256(?::|%3a)([0-9a-f]{64})", Pattern.CASE_INSENSITIVE);
  private static final ObjectMapper JSON = new ObjectMapper();

  private OpenVex() {}

  /** A product a statement names: its ids (the {@code @id} and every identifier) and the packages inside it it is about. */
  public record Product(List<String> ids, List<String> subcomponents) {}

  /**
   * One statement.
   *
   * @param vulnerabilityIds the vulnerability's name and aliases
   * @param products         empty: the statement is about the image the document is attached to
   * @param timestamp        the statement's, else the document's; null when neither has one
   * @param order            position among all statements read, to order statements of equal time
   */
  public record Statement(Set<String> vulnerabilityIds, List<Product> products, String status, String justification,
      String impactStatement, Instant timestamp, String document, int order) {

    /** Whether this statement is the kind that suppresses a finding: not_affected, with a justification OpenVEX defines. */
    public boolean suppresses() {
      return "not_affected".equals(status) && justification != null && JUSTIFICATIONS.contains(justification);
    }

    /** Whether the statement speaks about {@code finding} in an image known by {@code digests} (its own, its index's). */
    public boolean about(Finding finding, Collection<String> digests) {
      if (finding.allIds().stream().noneMatch(id -> vulnerabilityIds.contains(id.toUpperCase(Locale.ROOT)))) {
        return false;
      }
      if (products.isEmpty()) {
        return true;
      }
      return products.stream().anyMatch(p -> namesImage(p, digests) && (p.subcomponents().isEmpty()
          || p.subcomponents().stream().anyMatch(s -> purlNames(s, finding))));
    }
  }

  /**
   * The statements of a document; {@code document} names it in suppression reasons.
   *
   * @throws IOException when the bytes are not an OpenVEX document
   */
  public static List<Statement> parse(byte[] bytes, String document, int firstOrder) throws IOException {
    JsonNode root = JSON.readTree(bytes);
    if (root == null || !root.isObject() || !root.path("@context").asText("").startsWith("https://openvex.dev/ns")) {
      throw new IOException("not an OpenVEX document (no https://openvex.dev/ns @context)");
    }
    JsonNode statements = root.path("statements");
    if (!statements.isArray()) {
      throw new IOException("OpenVEX document without statements");
    }
    Instant documentTime = instant(root.path("timestamp"));
    List<Statement> result = new ArrayList<>();
    int order = firstOrder;
    for (JsonNode s : statements) {
      Set<String> ids = new LinkedHashSet<>();
      JsonNode vulnerability = s.path("vulnerability");
      if (vulnerability.isTextual()) {
        ids.add(vulnerability.asText().toUpperCase(Locale.ROOT));
      } else {
        addText(ids, vulnerability.path("name"));
        vulnerability.path("aliases").forEach(a -> addText(ids, a));
      }
      if (ids.isEmpty()) {
        continue;
      }
      List<String> statementSubcomponents = ids(s.path("subcomponents"));
      List<Product> products = new ArrayList<>();
      for (JsonNode p : s.path("products")) {
        List<String> productIds = new ArrayList<>();
        if (p.isTextual()) {
          productIds.add(p.asText());
        } else {
          if (p.path("@id").isTextual()) {
            productIds.add(p.path("@id").asText());
          }
          p.path("identifiers").forEach(i -> {
            if (i.isTextual()) {
              productIds.add(i.asText());
            }
          });
        }
        List<String> subcomponents = new ArrayList<>(statementSubcomponents);
        subcomponents.addAll(ids(p.path("subcomponents")));
        products.add(new Product(productIds, subcomponents));
      }
      Instant at = instant(s.path("timestamp"));
      result.add(new Statement(ids, products, s.path("status").asText(null),
          s.path("justification").isTextual() ? s.path("justification").asText() : null,
          s.path("impact_statement").isTextual() ? s.path("impact_statement").asText() : null,
          at == null ? documentTime : at, document, order++));
    }
    return result;
  }

  /**
   * The statement that decides about {@code finding}: of those about it, the latest (by timestamp, then
   * by order), as OpenVEX's statement timeline has a later statement supersede an earlier one.
   */
  public static java.util.Optional<Statement> decisive(Collection<Statement> statements, Finding finding,
      Collection<String> digests) {
    return statements.stream().filter(s -> s.about(finding, digests))
        .max(java.util.Comparator.comparing((Statement s) -> s.timestamp() == null ? Instant.MIN : s.timestamp())
            .thenComparingInt(Statement::order));
  }

  /** A product naming a digest must name one of the image's; one naming none means the image it is attached to. */
  static boolean namesImage(Product product, Collection<String> digests) {
    boolean named = false;
    for (String id : product.ids()) {
      Matcher m = DIGEST.matcher(id);
      while (m.find()) {
        named = true;
        if (digests.contains("sha256:" + m.group(1).toLowerCase(Locale.ROOT))) {
          return true;
        }
      }
    }
    return !named;
  }

  /**
   * Whether a package URL ({@code pkg:apk/alpine/busybox@1.35.0-r17}) names the finding's package: its name
   * (or {@code namespace:name}, as Maven packages are named) and, when the purl has one, its version.
   */
  static boolean purlNames(String purl, Finding finding) {
    if (!purl.startsWith("pkg:")) {
      return purl.equals(finding.packageName());
    }
    String rest = purl.substring(4);
    int cut = indexOfAny(rest, '?', '#');
    if (cut >= 0) {
      rest = rest.substring(0, cut);
    }
    String version = null;
    int at = rest.lastIndexOf('@');
    if (at >= 0) {
      version = decode(rest.substring(at + 1));
      rest = rest.substring(0, at);
    }
    String[] segments = rest.split("/");
    if (segments.length < 2) {
      return false;
    }
    String name = decode(segments[segments.length - 1]);
    String namespace = segments.length > 2 ? decode(segments[segments.length - 2]) : null;
    boolean nameMatches = name.equalsIgnoreCase(finding.packageName())
        || (namespace != null && (namespace + ":" + name).equalsIgnoreCase(finding.packageName()));
    return nameMatches && (version == null || version.equals(finding.version()));
  }

  private static int indexOfAny(String text, char a, char b) {
    int i = text.indexOf(a);
    int j = text.indexOf(b);
    return i < 0 ? j : j < 0 ? i : Math.min(i, j);
  }

  private static String decode(String text) {
    return URLDecoder.decode(text, StandardCharsets.UTF_8);
  }

  private static List<String> ids(JsonNode components) {
    List<String> ids = new ArrayList<>();
    for (JsonNode c : components) {
      if (c.isTextual()) {
        ids.add(c.asText());
      } else {
        if (c.path("@id").isTextual()) {
          ids.add(c.path("@id").asText());
        }
        if (c.path("identifiers").path("purl").isTextual()) {
          ids.add(c.path("identifiers").path("purl").asText());
        }
      }
    }
    return ids;
  }

  private static void addText(Set<String> ids, JsonNode node) {
    if (node.isTextual() && !node.asText().isBlank()) {
      ids.add(node.asText().toUpperCase(Locale.ROOT));
    }
  }

  private static Instant instant(JsonNode node) {
    if (!node.isTextual()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(node.asText()).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
