package io.portcullis.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.portcullis.shared.Digest;
import io.portcullis.shared.MediaTypes;
import io.portcullis.shared.RegistryError;
import io.portcullis.shared.RegistryException;
import java.util.ArrayList;
import java.util.List;

/**
 * Validates pushed manifests: OCI image manifests and indexes, Docker schema 2 manifests and lists.
 * Docker schema 1 is refused: it is deprecated, unsigned content addressing is unsafe and every
 * current client can push schema 2.
 */
public final class ManifestParser {
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private ManifestParser() {}

  /**
   * @param contentType the request's Content-Type (may be null or generic)
   * @param payload     the exact bytes
   * @param algorithm   digest algorithm to identify the manifest with
   */
  public static ParsedManifest parse(String contentType, byte[] payload, String algorithm) {
    String declaredType = contentType == null ? null : stripParameters(contentType);
    if (declaredType != null && MediaTypes.isSchema1(declaredType)) {
      throw schema1();
    }
    JsonNode root;
    try {
      root = JSON.readTree(payload);
    } catch (JsonProcessingException e) {
      throw RegistryError.MANIFEST_INVALID.exception("malformed JSON: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw RegistryError.MANIFEST_INVALID.exception("unreadable manifest");
    }
    if (root == null || !root.isObject()) {
      throw RegistryError.MANIFEST_INVALID.exception("manifest must be a JSON object");
    }
    JsonNode schemaVersion = root.get("schemaVersion");
    if (schemaVersion != null && schemaVersion.isInt() && schemaVersion.intValue() == 1) {
      throw schema1();
    }
    if (schemaVersion == null || !schemaVersion.isInt() || schemaVersion.intValue() != 2) {
      throw RegistryError.MANIFEST_INVALID.exception("schemaVersion must be 2");
    }
    String mediaType = resolveMediaType(declaredType, root);
    Digest digest = Digest.of(algorithm, Digest.newMessageDigest(algorithm).digest(payload));
    Descriptor subject = root.hasNonNull("subject") ? descriptor(root.get("subject"), "subject") : null;
    String annotations = root.hasNonNull("annotations") ? root.get("annotations").toString() : null;
    if (MediaTypes.isIndex(mediaType)) {
      List<Descriptor> children = descriptors(root, "manifests", true);
      return new ParsedManifest(mediaType, digest, payload, List.of(), children, subject,
          text(root, "artifactType"), annotations);
    }
    JsonNode configNode = root.get("config");
    if (configNode == null) {
      throw RegistryError.MANIFEST_INVALID.exception("image manifest without config");
    }
    Descriptor config = descriptor(configNode, "config");
    List<Descriptor> blobs = new ArrayList<>();
    blobs.add(config);
    blobs.addAll(descriptors(root, "layers", true));
    String artifactType = text(root, "artifactType");
    if (artifactType == null) {
      artifactType = config.mediaType();
    }
    return new ParsedManifest(mediaType, digest, payload, List.copyOf(blobs), List.of(), subject,
        artifactType, annotations);
  }

  private static String resolveMediaType(String declaredType, JsonNode root) {
    String bodyType = text(root, "mediaType");
    if (bodyType != null && MediaTypes.isSchema1(bodyType)) {
      throw schema1();
    }
    boolean declaredKnown = declaredType != null && isManifestType(declaredType);
    if (declaredKnown && bodyType != null && !bodyType.equals(declaredType)) {
      throw RegistryError.MANIFEST_INVALID.exception(
          "mediaType " + bodyType + " does not match Content-Type " + declaredType);
    }
    String mediaType = declaredKnown ? declaredType : bodyType;
    if (mediaType == null) {
      // OCI manifests may omit mediaType; the structure says which one it is.
      mediaType = root.has("manifests") ? MediaTypes.OCI_INDEX : root.has("config") ? MediaTypes.OCI_MANIFEST : null;
    }
    if (mediaType == null || !isManifestType(mediaType)) {
      throw RegistryError.MANIFEST_INVALID.exception("unsupported manifest media type "
          + (mediaType == null ? declaredType : mediaType));
    }
    if (MediaTypes.isIndex(mediaType) && !root.has("manifests")) {
      throw RegistryError.MANIFEST_INVALID.exception("index without manifests");
    }
    if (MediaTypes.isImageManifest(mediaType) && root.has("manifests")) {
      throw RegistryError.MANIFEST_INVALID.exception("image manifest with a manifests list");
    }
    return mediaType;
  }

  private static boolean isManifestType(String type) {
    return MediaTypes.isIndex(type) || MediaTypes.isImageManifest(type);
  }

  private static List<Descriptor> descriptors(JsonNode root, String field, boolean required) {
    JsonNode array = root.get(field);
    if (array == null || array.isNull()) {
      if (required) {
        throw RegistryError.MANIFEST_INVALID.exception(field + " is required");
      }
      return List.of();
    }
    if (!array.isArray()) {
      throw RegistryError.MANIFEST_INVALID.exception(field + " must be an array");
    }
    List<Descriptor> result = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      result.add(descriptor(array.get(i), field + "[" + i + "]"));
    }
    return List.copyOf(result);
  }

  private static Descriptor descriptor(JsonNode node, String where) {
    if (!node.isObject()) {
      throw RegistryError.MANIFEST_INVALID.exception(where + " must be a descriptor object");
    }
    String mediaType = text(node, "mediaType");
    String digestText = text(node, "digest");
    JsonNode size = node.get("size");
    if (mediaType == null || digestText == null || size == null || !size.canConvertToLong() || size.longValue() < 0) {
      throw RegistryError.MANIFEST_INVALID.exception(where + " needs mediaType, digest and a size");
    }
    Digest digest;
    try {
      digest = Digest.parse(digestText);
    } catch (RegistryException e) {
      throw RegistryError.MANIFEST_INVALID.exception(where + " has an invalid digest");
    }
    boolean foreign = node.has("urls") && node.get("urls").isArray() && !node.get("urls").isEmpty();
    return new Descriptor(mediaType, digest, size.longValue(), foreign);
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() ? value.textValue() : null;
  }

  private static String stripParameters(String contentType) {
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(java.util.Locale.ROOT);
  }

  private static RegistryException schema1() {
    return RegistryError.MANIFEST_INVALID.exception(
        "Docker schema 1 manifests are not supported; push schema 2 or OCI (e.g. skopeo copy --format v2s2)");
  }
}
