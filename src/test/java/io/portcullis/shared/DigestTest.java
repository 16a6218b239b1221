package io.portcullis.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DigestTest {
  @Test
  void parsesAndPrintsSha256AndSha512() {
    String sha256 = "sha256:" + "a".repeat(64);
    assertThat(Digest.parse(sha256).toString()).isEqualTo(sha256);
    assertThat(Digest.parse("sha512:" + "0".repeat(128)).algorithm()).isEqualTo("sha512");
  }

  @Test
  void hashesContent() {
    assertThat(Digest.sha256("".getBytes(StandardCharsets.UTF_8)).toString())
        .isEqualTo("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "sha256", "sha256:", ":abc", "md5:d41d8cd98f00b204e9800998ecf8427e", "sha256:ABCDEF",
      "sha256:zz", "SHA256:0000000000000000000000000000000000000000000000000000000000000000"})
  void refusesMalformedDigestsAsDigestInvalid(String text) {
    assertThatThrownBy(() -> Digest.parse(text)).isInstanceOfSatisfying(RegistryException.class,
        e -> assertThat(e.error()).isEqualTo(RegistryError.DIGEST_INVALID));
  }
}
