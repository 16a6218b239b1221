package io.portcullis.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.shared.Digest;
import io.portcullis.shared.MediaTypes;
import io.portcullis.shared.RegistryError;
import io.portcullis.shared.RegistryException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ManifestParserTest {
  static final String D1 = "sha256:" + "1".repeat(64);
  static final String D2 = "sha256:" + "2".repeat(64);

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void imageManifestListsConfigAndLayersAndTheSubject() {
    String json = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\"a/b\","
        + "\"digest\":\"" + D1 + "\",\"size\":3},\"layers\":[{\"mediaType\":\"l\",\"digest\":\"" + D2 + "\",\"size\":9}],"
        + "\"subject\":{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + D2 + "\",\"size\":1}}";
    ParsedManifest parsed = ManifestParser.parse(MediaTypes.OCI_MANIFEST, bytes(json), Digest.SHA256);
    assertThat(parsed.blobs()).extracting(d -> d.digest().toString()).containsExactly(D1, D2);
    assertThat(parsed.subject().digest().toString()).isEqualTo(D2);
    assertThat(parsed.artifactType()).isEqualTo("a/b");
    assertThat(parsed.digest()).isEqualTo(Digest.sha256(bytes(json)));
  }

  @Test
  void indexWithoutMediaTypeIsRecognisedByItsShape() {
    String json = "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\""
        + D1 + "\",\"size\":5}]}";
    ParsedManifest parsed = ManifestParser.parse("application/octet-stream", bytes(json), Digest.SHA256);
    assertThat(parsed.mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
    assertThat(parsed.children()).hasSize(1);
  }

  @Test
  void foreignLayersAreMarked() {
    String json = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.DOCKER_MANIFEST + "\",\"config\":{\"mediaType\":\"c\","
        + "\"digest\":\"" + D1 + "\",\"size\":3},\"layers\":[{\"mediaType\":\"f\",\"digest\":\"" + D2
        + "\",\"size\":9,\"urls\":[\"https://example.com/l\"]}]}";
    assertThat(ManifestParser.parse(MediaTypes.DOCKER_MANIFEST, bytes(json), Digest.SHA256).blobs().get(1).foreign()).isTrue();
  }

  @Test
  void refusesSchema1ByTypeOrByBody() {
    assertInvalid(MediaTypes.DOCKER_SCHEMA1_SIGNED, "{}", "schema 1");
    assertInvalid(MediaTypes.OCI_MANIFEST, "{\"schemaVersion\":1,\"fsLayers\":[]}", "schema 1");
  }

  @Test
  void refusesMismatchedAndStructurallyWrongManifests() {
    assertInvalid(MediaTypes.DOCKER_MANIFEST, "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\"}",
        "does not match");
    assertInvalid(MediaTypes.OCI_MANIFEST, "{\"schemaVersion\":2,\"layers\":[]}", "without config");
    assertInvalid(MediaTypes.OCI_INDEX, "{\"schemaVersion\":2}", "without manifests");
    assertInvalid(MediaTypes.OCI_MANIFEST, "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"c\",\"digest\":\"nope\","
        + "\"size\":1},\"layers\":[]}", "invalid digest");
    assertInvalid(MediaTypes.OCI_MANIFEST, "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"c\",\"digest\":\"" + D1
        + "\",\"size\":-1},\"layers\":[]}", "size");
    assertInvalid(MediaTypes.OCI_MANIFEST, "{\"schemaVersion\":2,\"schemaVersion\":2}", "malformed JSON");
    assertInvalid("text/plain", "{\"schemaVersion\":2,\"foo\":1}", "unsupported manifest media type");
  }

  private static void assertInvalid(String contentType, String body, String messagePart) {
    assertThatThrownBy(() -> ManifestParser.parse(contentType, bytes(body), Digest.SHA256))
        .isInstanceOfSatisfying(RegistryException.class, e -> {
          assertThat(e.error()).isEqualTo(RegistryError.MANIFEST_INVALID);
          assertThat(e.getMessage()).contains(messagePart);
        });
  }
}
