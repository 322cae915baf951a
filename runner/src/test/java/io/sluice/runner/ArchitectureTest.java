package io.sluice.runner;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The executor core stays independent of Beam and of the layers that translate Beam onto it.
 * (ArchUnit fails a rule whose "that()" matches no class, so these cannot pass on an empty import.)
 */
@AnalyzeClasses(packages = "io.sluice.runner", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule engineDoesNotDependOnBeam =
      noClasses()
          .that().resideInAPackage("io.sluice.runner.engine..")
          .should().dependOnClassesThat().resideInAPackage("org.apache.beam..")
          .because("the executor core must be usable and testable without Beam");

  @ArchTest
  static final ArchRule engineDoesNotDependOnTranslationLayers =
      noClasses()
          .that().resideInAPackage("io.sluice.runner.engine..")
          .should().dependOnClassesThat().resideInAnyPackage(
              "io.sluice.runner.beam..", "io.sluice.runner.translate..", "io.sluice.runner.plan..")
          .because("dependencies point from the Beam layers into the engine, never back");
}
