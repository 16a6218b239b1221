package io.portcullis.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The package arrows of docs/architecture.md, enforced. */
class LayeringTest {
  static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.portcullis");

  @Test
  void domainCodeDoesNotKnowHttp() {
    noClasses().that().resideOutsideOfPackages("io.portcullis.web..", "io.portcullis.app..")
        .should().dependOnClassesThat().resideInAnyPackage("org.eclipse.jetty..", "io.portcullis.web..")
        .check(CLASSES);
  }

  @Test
  void onlyTheCompositionRootKnowsEverything() {
    noClasses().that().resideOutsideOfPackage("io.portcullis.app..")
        .should().dependOnClassesThat().resideInAPackage("io.portcullis.app..")
        .check(CLASSES);
  }

  @Test
  void sharedDependsOnNothingOfOurs() {
    noClasses().that().resideInAPackage("io.portcullis.shared..")
        .should().dependOnClassesThat().resideInAnyPackage("io.portcullis.registry..", "io.portcullis.storage..",
            "io.portcullis.metadata..", "io.portcullis.auth..", "io.portcullis.events..", "io.portcullis.scan..",
            "io.portcullis.repository..")
        .check(CLASSES);
  }

  /**
   * "Domain storage" in docs/architecture.md: SQL lives in metadata and in each domain's jdbc
   * sub-package, the only code that opens a Tx up.
   */
  @Test
  void storageIsOnlyInMetadataAndJdbcPackages() {
    noClasses().that().resideOutsideOfPackages("io.portcullis.metadata..", "..jdbc..")
        .should().dependOnClassesThat().resideInAPackage("org.jdbi..")
        .orShould().callMethod("io.portcullis.metadata.Tx", "handle")
        .check(CLASSES);
  }

  /** The upstream client is HTTP and nothing else: it cannot store what it fetches by itself. */
  @Test
  void theUpstreamClientKnowsOnlySharedTypes() {
    noClasses().that().resideInAPackage("io.portcullis.mirror.upstream..")
        .should().dependOnClassesThat().resideInAnyPackage("io.portcullis.registry..", "io.portcullis.repository..",
            "io.portcullis.jobs..", "io.portcullis.events..", "io.portcullis.metadata..", "io.portcullis.auth..",
            "io.portcullis.storage..")
        .check(CLASSES);
  }

  /**
   * Pull-through caches build on mirroring (its upstream client, its blob copy), never the other way
   * round; the registry does not know them at all (the web edge asks the cache for cache namespaces).
   */
  @Test
  void mirroringDoesNotKnowCaches() {
    noClasses().that().resideInAnyPackage("io.portcullis.mirror", "io.portcullis.mirror.jdbc",
            "io.portcullis.mirror.upstream..")
        .should().dependOnClassesThat().resideInAPackage("io.portcullis.mirror.cache..")
        .check(CLASSES);
  }

  @Test
  void packagesHaveNoCycles() {
    slices().matching("io.portcullis.(*)..").should().beFreeOfCycles().check(CLASSES);
  }

  @Test
  void subPackagesHaveNoCyclesEither() {
    slices().matching("io.portcullis.(**)").should().beFreeOfCycles().check(CLASSES);
  }

  /** The "depends on" column of the package table in docs/architecture.md, row by row; shared is everyone's. */
  @Test
  void everyPackageDependsOnlyOnWhatTheTableSays() {
    layeredArchitecture().consideringOnlyDependenciesInLayers()
        .layer("app").definedBy("io.portcullis.app..")
        .layer("web").definedBy("io.portcullis.web..")
        .layer("cli").definedBy("io.portcullis.cli..")
        .layer("registry").definedBy("io.portcullis.registry..")
        .layer("scan").definedBy("io.portcullis.scan..")
        .layer("mirror").definedBy("io.portcullis.mirror..")
        .layer("policy").definedBy("io.portcullis.policy..")
        .layer("quota").definedBy("io.portcullis.quota..")
        .layer("gc").definedBy("io.portcullis.gc..")
        .layer("retention").definedBy("io.portcullis.retention..")
        .layer("identity").definedBy("io.portcullis.identity..")
        .layer("repository").definedBy("io.portcullis.repository..")
        .layer("webhooks").definedBy("io.portcullis.webhooks..")
        .layer("events").definedBy("io.portcullis.events..")
        .layer("jobs").definedBy("io.portcullis.jobs..")
        .layer("storage").definedBy("io.portcullis.storage..")
        .layer("metadata").definedBy("io.portcullis.metadata..")
        .layer("auth").definedBy("io.portcullis.auth..")
        .layer("shared").definedBy("io.portcullis.shared..")
        .whereLayer("app").mayNotBeAccessedByAnyLayer()
        .whereLayer("web").mayOnlyAccessLayers("registry", "scan", "mirror", "policy", "quota", "retention", "gc",
            "identity",
            "repository", "webhooks", "events", "jobs", "storage", "metadata", "auth", "shared")
        .whereLayer("cli").mayOnlyAccessLayers("shared")
        .whereLayer("registry").mayOnlyAccessLayers("repository", "storage", "metadata", "events", "shared")
        .whereLayer("mirror").mayOnlyAccessLayers("registry", "repository", "jobs", "events", "metadata", "auth",
            "shared")
        .whereLayer("policy").mayOnlyAccessLayers("registry", "scan", "repository", "storage", "events", "metadata",
            "auth", "shared")
        .whereLayer("scan").mayOnlyAccessLayers("repository", "metadata", "storage", "events", "jobs", "shared")
        .whereLayer("quota").mayOnlyAccessLayers("registry", "metadata", "events", "shared")
        .whereLayer("gc").mayOnlyAccessLayers("registry", "storage", "jobs", "metadata", "events", "shared")
        .whereLayer("retention").mayOnlyAccessLayers("policy", "scan", "registry", "repository", "jobs", "events",
            "metadata", "shared")
        .whereLayer("identity").mayOnlyAccessLayers("repository", "auth", "metadata", "events", "shared")
        .whereLayer("repository").mayOnlyAccessLayers("metadata", "events", "shared")
        .whereLayer("webhooks").mayOnlyAccessLayers("repository", "auth", "metadata", "events", "shared")
        .whereLayer("events").mayOnlyAccessLayers("metadata", "shared")
        .whereLayer("jobs").mayOnlyAccessLayers("metadata", "shared")
        .whereLayer("storage").mayOnlyAccessLayers("shared")
        .whereLayer("metadata").mayOnlyAccessLayers("auth", "shared")
        .whereLayer("auth").mayOnlyAccessLayers("shared")
        .whereLayer("shared").mayNotAccessAnyLayer()
        .check(CLASSES);
  }
}
