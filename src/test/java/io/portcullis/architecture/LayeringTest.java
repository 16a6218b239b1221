package io.portcullis.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

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
            "io.portcullis.metadata..", "io.portcullis.auth..", "io.portcullis.events..", "io.portcullis.scan..")
        .check(CLASSES);
  }

  @Test
  void packagesHaveNoCycles() {
    slices().matching("io.portcullis.(*)..").should().beFreeOfCycles().check(CLASSES);
  }
}
