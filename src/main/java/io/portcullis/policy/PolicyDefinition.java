package io.portcullis.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.shared.RepositoryName;
import io.portcullis.shared.RepositoryScope;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a promotion policy does: its criteria (all must hold) and its action, a copy of the image to
 * {@code target} (a repository name; {@code {name}} stands for the source repository's name below a
 * namespace source, so {@code hub/*} → {@code official/{name}} sends {@code hub/alpine} to
 * {@code official/alpine}) under the tag the template makes, optionally with the image's referrers.
 * The JSON form here is both the stored and the REST form of the criteria.
 */
public record PolicyDefinition(List<Criterion> criteria, String target, TagTemplate tagTemplate, boolean referrers) {
  /** Most criteria a policy may have. */
  public static final int MAX_CRITERIA = 32;
  private static final String NAME = "{name}";

  public PolicyDefinition {
    criteria = List.copyOf(criteria);
    if (criteria.size() > MAX_CRITERIA) {
      throw new IllegalArgumentException("a policy has at most " + MAX_CRITERIA + " criteria");
    }
    if (target == null || !RepositoryName.isValid(target.replace(NAME, "x"))) {
      throw new IllegalArgumentException("target '" + target + "' is not a repository name (official/alpine, or"
          + " official/{name} for a namespace source)");
    }
    tagTemplate = tagTemplate == null ? TagTemplate.SAME : tagTemplate;
  }

  /** Whether any criterion reads scan results (then promotion waits for the scan). */
  public boolean needsScan() {
    return criteria.stream().anyMatch(Criterion::needsScan);
  }

  /**
   * Checks the target against the source: {@code {name}} only below a namespace source, and never a
   * target inside the source scope, which would promote its own promotions for ever.
   *
   * @throws IllegalArgumentException when either is violated
   */
  void requireFits(RepositoryScope source) {
    if (target.contains(NAME) && !source.isPattern()) {
      throw new IllegalArgumentException("{name} in the target needs a namespace source such as hub/*");
    }
    String fixed = target.contains(NAME) ? target.substring(0, target.indexOf(NAME)) : target;
    boolean inside = source.isPattern() ? (fixed + "/").startsWith(source.path() + "/") : target.equals(source.value());
    if (inside) {
      throw new IllegalArgumentException("target " + target + " lies in the source " + source
          + ": promotions would be promoted again");
    }
  }

  /** The target repository for an image of {@code repository} in {@code source}. */
  public RepositoryName targetFor(RepositoryScope source, RepositoryName repository) {
    return RepositoryName.of(target.replace(NAME, source.below(repository)));
  }

  /** @throws IllegalArgumentException naming what is wrong */
  public static List<Criterion> criteria(JsonNode node) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw new IllegalArgumentException("criteria must be an array");
    }
    List<Criterion> criteria = new ArrayList<>();
    int i = 0;
    for (JsonNode c : node) {
      try {
        criteria.add(criterion(c));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("criteria[" + i + "]: " + e.getMessage());
      }
      i++;
    }
    return criteria;
  }

  private static Criterion criterion(JsonNode c) {
    if (!c.isObject()) {
      throw new IllegalArgumentException("a criterion is an object with a type");
    }
    String type = c.path("type").asText();
    Set<String> fields = switch (type) {
      case "tag" -> Set.of("glob", "regex");
      case "vulnerabilities" -> Set.of("severity", "op", "count");
      case "package" -> Set.of("name", "present", "versions");
      case "license" -> Set.of("allowed", "denied");
      case "scanAge" -> Set.of("max");
      default -> throw new IllegalArgumentException("type '" + type
          + "' is not one of tag, vulnerabilities, package, license, scanAge");
    };
    for (Iterator<String> names = c.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!name.equals("type") && !fields.contains(name)) {
        throw new IllegalArgumentException("a " + type + " criterion has no field '" + name + "' (it has "
            + String.join(", ", new java.util.TreeSet<>(fields)) + ")");
      }
    }
    return switch (type) {
      case "tag" -> new Criterion.TagMatches(text(c, "glob"), text(c, "regex"));
      case "vulnerabilities" -> {
        if (!c.path("count").canConvertToInt() || !c.path("count").isIntegralNumber()) {
          throw new IllegalArgumentException("a vulnerabilities criterion needs an integer count");
        }
        yield new Criterion.Vulnerabilities(Criterion.Severity.parse(text(c, "severity")),
            Comparison.parse(text(c, "op")), c.path("count").asInt());
      }
      case "package" -> {
        if (c.has("present") && !c.get("present").isBoolean()) {
          throw new IllegalArgumentException("present is true or false");
        }
        String versions = text(c, "versions");
        yield new Criterion.Package(text(c, "name"), c.path("present").asBoolean(true),
            versions == null ? null : PackageVersions.parse(versions));
      }
      case "license" -> new Criterion.Licenses(ids(c.get("allowed")), ids(c.get("denied")));
      case "scanAge" -> {
        try {
          yield new Criterion.ScanAge(Duration.parse(String.valueOf(text(c, "max"))));
        } catch (DateTimeParseException e) {
          throw new IllegalArgumentException("max must be an ISO-8601 duration such as P7D or PT12H");
        }
      }
      default -> throw new IllegalStateException(type);
    };
  }

  private static String text(JsonNode c, String field) {
    JsonNode value = c.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new IllegalArgumentException(field + " must be a string");
    }
    return value.asText();
  }

  private static Set<String> ids(JsonNode node) {
    if (node == null || node.isNull()) {
      return Set.of();
    }
    if (!node.isArray() || node.size() > 256) {
      throw new IllegalArgumentException("license ids are an array of at most 256 SPDX ids");
    }
    Set<String> ids = new LinkedHashSet<>();
    node.forEach(id -> {
      if (!id.isTextual() || id.asText().isBlank()) {
        throw new IllegalArgumentException("license ids are strings");
      }
      ids.add(id.asText());
    });
    return ids;
  }

  /** The criteria in the JSON form {@link #criteria(JsonNode)} reads. */
  public ArrayNode criteriaJson(ObjectMapper json) {
    return criteriaJson(criteria, json);
  }

  /** Criteria in the JSON form {@link #criteria(JsonNode)} reads (pruning policies use them too). */
  public static ArrayNode criteriaJson(List<Criterion> criteria, ObjectMapper json) {
    ArrayNode array = json.createArrayNode();
    for (Criterion criterion : criteria) {
      ObjectNode c = array.addObject();
      switch (criterion) {
        case Criterion.TagMatches t -> {
          c.put("type", "tag");
          if (t.glob() != null) {
            c.put("glob", t.glob());
          } else {
            c.put("regex", t.regex());
          }
        }
        case Criterion.Vulnerabilities v -> c.put("type", "vulnerabilities").put("severity", v.severity().wireName())
            .put("op", v.op().ascii()).put("count", v.count());
        case Criterion.Package p -> {
          c.put("type", "package").put("name", p.name()).put("present", p.present());
          if (p.versions() != null) {
            c.put("versions", p.versions().text());
          }
        }
        case Criterion.Licenses l -> {
          c.put("type", "license");
          c.set(l.allowed().isEmpty() ? "denied" : "allowed",
              json.valueToTree(new java.util.TreeSet<>(l.allowed().isEmpty() ? l.denied() : l.allowed())));
        }
        case Criterion.ScanAge a -> c.put("type", "scanAge").put("max", a.max().toString());
      }
    }
    return array;
  }

  /** The whole definition as stored. */
  public String toJson(ObjectMapper json) {
    ObjectNode node = json.createObjectNode();
    node.set("criteria", criteriaJson(json));
    node.put("target", target).put("tagTemplate", tagTemplate.template()).put("referrers", referrers);
    return node.toString();
  }

  public static PolicyDefinition fromJson(ObjectMapper json, String stored) {
    try {
      JsonNode node = json.readTree(stored);
      return new PolicyDefinition(criteria(node.get("criteria")), node.path("target").asText(),
          new TagTemplate(node.path("tagTemplate").asText()), node.path("referrers").asBoolean());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("stored policy definition is not JSON", e);
    }
  }
}
