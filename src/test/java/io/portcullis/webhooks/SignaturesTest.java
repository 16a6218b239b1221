package io.portcullis.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignaturesTest {
  /** The test vector of the Standard Webhooks reference libraries ("sign function works"). */
  private static final String SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  private static final long SPEC_TIMESTAMP = 1614265330;
  private static final String SPEC_PAYLOAD = "{\"test\": 2432232314}";
  private static final String SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

  @Test
  void signsTheSpecificationsTestVector() {
    String header = Signatures.sign(SPEC_ID, SPEC_TIMESTAMP, SPEC_PAYLOAD.getBytes(StandardCharsets.UTF_8),
        List.of(Signatures.key(SPEC_SECRET)));
    assertThat(header).isEqualTo(SPEC_SIGNATURE);
  }

  @Test
  void signsWithEveryKeySpaceSeparatedCurrentFirst() {
    byte[] previous = Signatures.key(SPEC_SECRET);
    byte[] current = Signatures.key(Signatures.newSecret());
    String header = Signatures.sign(SPEC_ID, SPEC_TIMESTAMP, SPEC_PAYLOAD.getBytes(StandardCharsets.UTF_8),
        List.of(current, previous));
    String[] signatures = header.split(" ");
    assertThat(signatures).hasSize(2);
    assertThat(signatures[0]).startsWith("v1,").isNotEqualTo(SPEC_SIGNATURE);
    assertThat(signatures[1]).isEqualTo(SPEC_SIGNATURE);
  }

  @Test
  void newSecretsAreWhsecWithThirtyTwoRandomBytes() {
    String one = Signatures.newSecret();
    String two = Signatures.newSecret();
    assertThat(one).startsWith("whsec_").isNotEqualTo(two);
    assertThat(Base64.getDecoder().decode(one.substring(6))).hasSize(32);
    assertThat(Signatures.key(one)).hasSize(32);
  }

  @Test
  void refusesWhatTheSchemeCannotSignUnambiguously() {
    assertThatThrownBy(() -> Signatures.sign("msg.1", 1, new byte[0], List.of(new byte[32])))
        .hasMessageContaining("'.'");
    assertThatThrownBy(() -> Signatures.sign("msg", 1, new byte[0], List.of())).hasMessageContaining("no key");
    assertThatThrownBy(() -> Signatures.key("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")).hasMessageContaining("whsec_");
    assertThatThrownBy(() -> Signatures.key("whsec_AAAA")).hasMessageContaining("24 bytes");
  }
}
