package io.portcullis.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.portcullis.auth.Principal;
import io.portcullis.events.EventLog;
import io.portcullis.events.jdbc.JdbcEventStore;
import io.portcullis.metadata.Database;
import io.portcullis.policy.Candidates;
import io.portcullis.policy.Decision;
import io.portcullis.policy.PolicyDefinition;
import io.portcullis.policy.PolicyPermissions;
import io.portcullis.policy.PolicyService;
import io.portcullis.policy.PromotionPolicy;
import io.portcullis.policy.TagTemplate;
import io.portcullis.policy.gate.Exemptions;
import io.portcullis.policy.gate.GatePermissions;
import io.portcullis.policy.gate.jdbc.JdbcGateStore;
import io.portcullis.policy.jdbc.JdbcPolicyStore;
import io.portcullis.registry.BlobService;
import io.portcullis.registry.ManifestService;
import io.portcullis.registry.UploadService;
import io.portcullis.registry.jdbc.JdbcBlobLinkStore;
import io.portcullis.registry.jdbc.JdbcManifestStore;
import io.portcullis.repository.RepositoryService;
import io.portcullis.repository.jdbc.JdbcRepositoryStore;
import io.portcullis.scan.ImageScan;
import io.portcullis.scan.ScanService;
import io.portcullis.scan.VulnerabilityDatabase;
import io.portcullis.scan.jdbc.JdbcAdvisoryStore;
import io.portcullis.scan.jdbc.JdbcRegistryContent;
import io.portcullis.scan.jdbc.JdbcScanStore;
import io.portcullis.scan.layer.LayerLimits;
import io.portcullis.scan.match.Finding;
import io.portcullis.scan.severity.SeverityBucket;
import io.portcullis.scan.match.SeverityCounts;
import io.portcullis.shared.ByteSource;
import io.portcullis.shared.Caller;
import io.portcullis.shared.Digest;
import io.portcullis.shared.MediaTypes;
import io.portcullis.shared.RepositoryName;
import io.portcullis.shared.RepositoryScope;
import io.portcullis.shared.Tag;
import io.portcullis.storage.fs.FsBlobStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Promotion policy benchmark (run by bench/policy.sh, not a test): N stored, scanned images in R
 * repositories of {@code hub/*} (a third with critical findings), then one "0 critical and 0 major"
 * policy {@code hub/* -> official/{name}} evaluated over all of them as after a database import:
 * a dry run (evaluation only), then the real run (evaluation and the copies).
 * Usage: PolicyBench WORK_DIR [IMAGES=10000] [REPOSITORIES=100]
 */
public final class PolicyBench {
  private static final Caller BENCH = new Caller("bench", "local", "-");

  public static void main(String[] args) throws Exception {
    Path work = Files.createDirectories(Path.of(args[0]));
    int images = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    int repositories = args.length > 2 ? Integer.parseInt(args[2]) : 100;
    ObjectMapper json = JsonMapper.builder().findAndAddModules().build();
    Clock clock = Clock.systemUTC();
    try (Database db = Database.embedded(work.resolve("db"));
        EventLog events = new EventLog(db, new JdbcEventStore(json), clock, "bench")) {
      RepositoryService repos = new RepositoryService(db, new JdbcRepositoryStore(), events, clock);
      FsBlobStore store = new FsBlobStore(work.resolve("data"));
      BlobService blobs = new BlobService(db, new JdbcBlobLinkStore(), store, repos, events, clock);
      UploadService uploads = new UploadService(store, blobs, clock, 1 << 20, new byte[32]);
      ManifestService manifests = new ManifestService(db, new JdbcManifestStore(), blobs, repos, events, clock);
      JdbcScanStore scanStore = new JdbcScanStore(json);
      ScanService scans = new ScanService(db, scanStore, new JdbcRegistryContent(), store,
          new VulnerabilityDatabase(db, new JdbcAdvisoryStore(json), clock), events, json, clock,
          LayerLimits.defaults(), (outcome, took) -> { });
      PolicyPermissions everyone = new PolicyPermissions() {
        @Override
        public boolean mayManage(Principal principal, RepositoryScope scope) {
          return true;
        }

        @Override
        public boolean mayRead(Principal principal, RepositoryName repository) {
          return true;
        }

        @Override
        public boolean mayWrite(Principal principal, RepositoryName repository) {
          return true;
        }
      };
      Exemptions exemptions = new Exemptions(db, new JdbcGateStore(), scans, manifests, blobs, events,
          (principal, scope) -> GatePermissions.Access.MANAGE, clock, () -> BENCH, Duration.ofSeconds(5));
      PolicyService policies = new PolicyService(db, new JdbcPolicyStore(json), manifests, blobs, repos, scans,
          new Candidates(db, manifests, scans, exemptions, json, clock), events, everyone, json, clock,
          PolicyService.Listener.NONE);

      long setup = System.nanoTime();
      byte[] layer = "one layer for every image".getBytes(StandardCharsets.UTF_8);
      byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
          + Digest.sha256(layer) + "\"]}}").getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < images; i++) {
        RepositoryName repository = RepositoryName.of("hub/app" + (i % repositories));
        if (i < repositories) {
          upload(uploads, repository, config);
          upload(uploads, repository, layer);
        }
        // Annotations make each image its own manifest over the same two blobs.
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{"
            + "\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + Digest.sha256(config)
            + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
            + "\"digest\":\"" + Digest.sha256(layer) + "\",\"size\":" + layer.length + "}],\"annotations\":{\"n\":\""
            + i + "\"}}").getBytes(StandardCharsets.UTF_8);
        Digest digest = manifests.put(repository, new ManifestService.ByTag(new Tag("v" + i)), MediaTypes.OCI_MANIFEST,
            manifest, BENCH).digest();
        // Counts follow from the findings, as the scanner stores them: criteria judge the findings in force.
        List<Finding> findings = i % 3 == 0 ? List.of(finding("CVE-2030-0001", SeverityBucket.CRITICAL),
            finding("CVE-2030-0002", SeverityBucket.MAJOR), finding("CVE-2030-0003", SeverityBucket.MINOR)) : List.of();
        db.inTransaction(tx -> {
          scanStore.putScan(tx, new ImageScan(digest.toString(), ImageScan.SUCCEEDED, null, List.of(), List.of(), "alpine",
              1, SeverityCounts.of(findings), findings, clock.millis(), clock.millis()));
          return null;
        });
      }
      System.out.printf("setup: %d images in %d repositories, %.1f s%n", images, repositories,
          (System.nanoTime() - setup) / 1e9);

      Principal admin = new Principal("admin", Principal.Kind.ADMIN, Set.of());
      PolicyDefinition clean = new PolicyDefinition(PolicyDefinition.criteria(json.readTree(
          "[{\"type\":\"vulnerabilities\",\"severity\":\"critical\",\"op\":\"=\",\"count\":0},"
              + "{\"type\":\"vulnerabilities\",\"severity\":\"major\",\"op\":\"=\",\"count\":0}]")),
          "official/{name}", new TagTemplate("{tag}"), false);
      PromotionPolicy policy = policies.create(admin, BENCH, new RepositoryScope("hub/*"), "clean", null, true, clean);
      for (boolean dryRun : List.of(true, false)) {
        long started = System.nanoTime();
        List<Decision> decisions = policies.apply(admin, policy.id(), dryRun);
        double seconds = (System.nanoTime() - started) / 1e9;
        Map<String, Long> outcomes = decisions.stream()
            .collect(Collectors.groupingBy(d -> d.outcome().wireName(), Collectors.counting()));
        System.out.printf("%s over %d images: %.2f s (%.0f images/s) %s%n", dryRun ? "dry run" : "apply", images,
            seconds, images / seconds, outcomes);
      }
    }
  }

  private static Finding finding(String id, SeverityBucket severity) {
    return new Finding(id, List.of(), null, "openssl", "3.0.1", "3.0.7", "Alpine:v3.16", "/lib/apk/db/installed",
        "sha256:0", severity, null, null, "", "");
  }

  private static void upload(UploadService uploads, RepositoryName repository, byte[] content) throws Exception {
    UploadService.Status session = uploads.start(repository);
    uploads.complete(repository, session.id(), session.state(), Digest.sha256(content), null, content.length,
        ByteSource.of(content), BENCH);
  }

  private PolicyBench() {}
}
