package io.portcullis.scan;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.events.Event;
import io.portcullis.events.EventLog;
import io.portcullis.events.EventType;
import io.portcullis.events.Subscriber;
import io.portcullis.jobs.Job;
import io.portcullis.jobs.JobHandler;
import io.portcullis.jobs.JobRunner;
import io.portcullis.metadata.Database;
import io.portcullis.repository.Repository;
import io.portcullis.repository.RepositoryService;
import io.portcullis.scan.vuln.Advisory;
import io.portcullis.scan.vuln.AdvisoryImportException;
import io.portcullis.scan.vuln.AlpineSecdbImporter;
import io.portcullis.scan.vuln.DebianTrackerImporter;
import io.portcullis.scan.vuln.ImportProgress;
import io.portcullis.scan.vuln.OsvImporter;
import io.portcullis.shared.ByteSource;
import io.portcullis.storage.BlobStore;
import io.portcullis.storage.StagedUpload;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Scanning as the registry runs it: scan on push (a subscriber of the event log), manual scans
 * and rescans, and vulnerability database imports followed by a re-match of every stored image — all
 * as persistent jobs on the shared runner.
 */
public final class Scanning {
  public static final String SCAN = "scan";
  public static final String IMPORT = "vulndb.import";
  public static final String REMATCH = "vulndb.rematch";
  /** Import formats: OSV (zip archive or one JSON record), Alpine secdb JSON, Debian security tracker JSON. */
  public static final Set<String> FORMATS = Set.of("osv", "alpine-secdb", "debian-tracker");

  private final Database db;
  private final RegistryContent registry;
  private final BlobStore store;
  private final ScanService scans;
  private final VulnerabilityDatabase vulndb;
  private final JobRunner runner;
  private final RepositoryService repositories;
  private final ObjectMapper json;

  public Scanning(Database db, RegistryContent registry, BlobStore store, ScanService scans,
      VulnerabilityDatabase vulndb, JobRunner runner, EventLog events, RepositoryService repositories,
      ObjectMapper json) {
    this.db = db;
    this.registry = registry;
    this.repositories = repositories;
    this.store = store;
    this.scans = scans;
    this.vulndb = vulndb;
    this.runner = runner;
    this.json = json;
    runner.register(SCAN, scans::runScanJob);
    runner.register(IMPORT, this::runImport);
    runner.register(REMATCH, (job, progress) -> scans.rematchAll(progress));
    events.subscribe(new ScanOnPush());
  }

  /**
   * Queues a scan of each pushed manifest not scanned yet, in repositories that scan on push. Handling
   * an event twice queues nothing new: the queue keeps one active job per manifest.
   */
  private final class ScanOnPush implements Subscriber {
    @Override
    public String name() {
      return "scan-on-push";
    }

    @Override
    public boolean wants(EventType type) {
      return type == EventType.MANIFEST_PUSHED;
    }

    @Override
    public void handle(List<Event> pushes) {
      db.inTransaction(tx -> {
        for (Event push : pushes) {
          String digest = push.digest().toString();
          // A repository deleted since its push scans nothing.
          boolean scanOnPush = repositories.find(tx, push.repository()).map(Repository::scanOnPush).orElse(false);
          if (scanOnPush && !scans.hasSucceeded(tx, digest)) {
            runner.submit(tx, SCAN, digest, push.repository().value(), 3);
          }
        }
        return null;
      });
    }
  }

  /** Queues a scan of a manifest (an index scans every platform); returns the job id. */
  public long requestScan(String repository, String digest) {
    return runner.submit(SCAN, digest, repository, 3);
  }

  /** Queues a scan of every stored manifest; returns how many were queued. */
  public int rescanAll() {
    List<RegistryContent.Located> manifests = db.readOnly(registry::everyManifest);
    for (RegistryContent.Located m : manifests) {
      runner.submit(SCAN, m.digest(), m.repository().value(), 3);
    }
    return manifests.size();
  }

  /**
   * Stages an uploaded database file and queues its import; the previous data stays in force until the
   * import commits. Returns the job id.
   */
  public long importDatabase(String source, String format, ByteSource body) throws IOException {
    if (!FORMATS.contains(format)) {
      throw new IllegalArgumentException("format must be one of " + FORMATS);
    }
    String staged = "vulndb-" + UUID.randomUUID();
    try (StagedUpload upload = store.staging(staged, true)) {
      body.forEach(upload::write);
      upload.sync();
    }
    ObjectNode payload = json.createObjectNode().put("source", source).put("format", format).put("staged", staged);
    return runner.submit(IMPORT, source, json.writeValueAsString(payload), 1);
  }

  private void runImport(Job job, JobHandler.Progress progress) throws IOException {
    var payload = json.readTree(job.payload());
    String source = payload.path("source").asText();
    String format = payload.path("format").asText();
    String staged = payload.path("staged").asText();
    Path file = Files.createTempFile("portcullis-vulndb-", ".import");
    try {
      try (StagedUpload upload = store.staging(staged, false); InputStream in = upload.read()) {
        Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      }
      List<Advisory> advisories = new ArrayList<>();
      ImportProgress reading = (count, current) -> {
        if (count % 1000 == 0) {
          progress.update(count, 0, "reading " + current);
        }
      };
      try {
        switch (format) {
          case "osv" -> {
            if (isZip(file)) {
              new OsvImporter().importZip(file, advisories::add, reading);
            } else {
              advisories.add(new OsvImporter().parse(Files.readAllBytes(file), source));
            }
          }
          case "alpine-secdb" -> new AlpineSecdbImporter().importPath(file, advisories::add, reading);
          case "debian-tracker" -> new DebianTrackerImporter().importPath(file, advisories::add, reading);
          default -> throw new JobHandler.Permanent("unknown format " + format);
        }
      } catch (AdvisoryImportException e) {
        throw new JobHandler.Permanent("import refused, previous database kept: " + e.getMessage(), e);
      }
      int total = advisories.size();
      long version = vulndb.replace(source, format, advisories, stored -> progress.update(stored, total, "storing"));
      progress.update(total, total, "imported " + total + " advisories as version " + version + "; re-matching");
      int changed = scans.rematchAll(progress);
      progress.update(total, total, "imported " + total + " advisories (version " + version + "), " + changed
          + " images changed");
    } finally {
      Files.deleteIfExists(file);
      try (StagedUpload upload = store.staging(staged, false)) {
        upload.discard();
      } catch (java.nio.file.NoSuchFileException gone) {
        // a previous attempt already cleaned up
      }
    }
  }

  private static boolean isZip(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] magic = in.readNBytes(4);
      return magic.length == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
    }
  }
}
