package io.portcullis.scan.severity;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.scan.vuln.Advisory;
import io.portcullis.scan.vuln.AdvisoryFormatException;
import io.portcullis.scan.vuln.AdvisoryIndex;
import io.portcullis.scan.vuln.AffectedMatch;
import io.portcullis.scan.vuln.OsvImporter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeverityAssessorTest {

  private static Advisory osv(String json) {
    try {
      return new OsvImporter().parse(json.getBytes(StandardCharsets.UTF_8), "test");
    } catch (AdvisoryFormatException e) {
      throw new AssertionError(e);
    }
  }

  private static final String ALPINE_AFFECTED = """
      "affected": [{"package": {"ecosystem": "Alpine:v3.16", "name": "musl"},
        "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.2.3-r4"}]}]}]""";

  private static SeverityRating rate(Advisory... advisories) {
    AdvisoryIndex index = AdvisoryIndex.of(List.of(advisories));
    List<AffectedMatch> matches = index.affecting("Alpine:v3.16", "musl", "1.2.3-r3");
    assertThat(matches).isNotEmpty();
    return SeverityAssessor.rate(matches, matches.getFirst().group());
  }

  @Test
  void aVectorBeatsAContradictingLabel() {
    SeverityRating rating = rate(osv("""
        {"id": "ALPINE-CVE-1", "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:N/I:L/A:N"}],
         "database_specific": {"severity": "CRITICAL"}, %s}""".formatted(ALPINE_AFFECTED)));

    assertThat(rating.bucket()).isEqualTo(SeverityBucket.MINOR);
    assertThat(rating.score()).isEqualTo(4.3);
    assertThat(rating.basis()).isEqualTo(SeverityRating.Basis.CVSS);
  }

  @Test
  void theNewestCvssVersionOfARecordWins() {
    SeverityRating rating = rate(osv("""
        {"id": "ALPINE-CVE-1", "severity": [
           {"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"},
           {"type": "CVSS_V4", "score": "CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}], %s}"""
        .formatted(ALPINE_AFFECTED)));

    assertThat(rating.vector()).startsWith("CVSS:4.0/");
    assertThat(rating.score()).isEqualTo(8.5);
    assertThat(rating.bucket()).isEqualTo(SeverityBucket.MAJOR);
  }

  @Test
  void aRecordWithoutSeverityTakesTheVectorOfAnAlias() {
    Advisory alpine = osv("{\"id\": \"ALPINE-CVE-2025-26519\", \"aliases\": [\"CVE-2025-26519\"], %s}"
        .formatted(ALPINE_AFFECTED));
    Advisory nvd = osv("""
        {"id": "CVE-2025-26519", "severity": [{"type": "CVSS_V3",
          "score": "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H"}]}""");

    SeverityRating rating = rate(alpine, nvd);

    assertThat(rating.score()).isEqualTo(8.1);
    assertThat(rating.bucket()).isEqualTo(SeverityBucket.MAJOR);
  }

  @Test
  void labelsDecideOnlyWithoutAnyUsableVector() {
    SeverityRating rating = rate(osv("""
        {"id": "ALPINE-CVE-1", "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/broken"}],
         "database_specific": {"severity": "HIGH"}, %s}""".formatted(ALPINE_AFFECTED)));

    assertThat(rating.bucket()).isEqualTo(SeverityBucket.MAJOR);
    assertThat(rating.basis()).isEqualTo(SeverityRating.Basis.LABEL);
    assertThat(rating.score()).isNull();
  }

  @Test
  void nothingKnownIsReportedAsMinorAndFlaggedUnknown() {
    SeverityRating rating = rate(osv("{\"id\": \"ALPINE-CVE-1\", %s}".formatted(ALPINE_AFFECTED)));

    assertThat(rating).isEqualTo(SeverityRating.UNKNOWN);
    assertThat(rating.bucket()).isEqualTo(SeverityBucket.MINOR);
  }

  @Test
  void labelWords() {
    assertThat(SeverityAssessor.bucketOfLabel("CRITICAL")).isEqualTo(SeverityBucket.CRITICAL);
    assertThat(SeverityAssessor.bucketOfLabel("HIGH")).isEqualTo(SeverityBucket.MAJOR);
    assertThat(SeverityAssessor.bucketOfLabel("high")).isEqualTo(SeverityBucket.MAJOR);
    assertThat(SeverityAssessor.bucketOfLabel("MODERATE")).isEqualTo(SeverityBucket.MINOR);
    assertThat(SeverityAssessor.bucketOfLabel("medium")).isEqualTo(SeverityBucket.MINOR);
    assertThat(SeverityAssessor.bucketOfLabel("LOW")).isEqualTo(SeverityBucket.MINOR);
    assertThat(SeverityAssessor.bucketOfLabel("unimportant")).isEqualTo(SeverityBucket.MINOR);
    assertThat(SeverityAssessor.bucketOfLabel("not yet assigned")).isNull();
    assertThat(SeverityAssessor.bucketOfLabel(null)).isNull();
  }
}
