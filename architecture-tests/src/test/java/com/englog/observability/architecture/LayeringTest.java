package com.englog.observability.architecture;

import static com.englog.observability.architecture.Modules.ROOT_PACKAGE;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.architecture.fixture.leaf.UsesOtherLeafInternals;
import com.englog.observability.architecture.fixture.other.internal.OtherLeafInternal;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of docs/design.md: metrics, tracing, logging and health are leaves that use only the
 * shared core (englog-common); healthcheck uses health; servlet composes the leaves; nobody reaches
 * into another module's {@code internal} package except the shared core's; library code has no console
 * output and no javax.servlet.
 */
class LayeringTest {

  private static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages(ROOT_PACKAGE);
  }

  /** Each module may only use the englog packages docs/design.md allows it. */
  static List<ArchRule> moduleDependencyRules(String root, Map<String, Set<String>> allowed) {
    List<ArchRule> rules = new ArrayList<>();
    Set<String> all = allowed.keySet();
    allowed.forEach((module, uses) -> {
      Set<String> forbidden = new TreeSet<>(all);
      forbidden.remove(module);
      forbidden.removeAll(uses);
      String[] forbiddenPackages = forbidden.stream().map(m -> root + "." + m + "..").toArray(String[]::new);
      rules.add(noClasses().that().resideInAPackage(root + "." + module + "..")
          .should().dependOnClassesThat().resideInAnyPackage(forbiddenPackages)
          .as(module + " uses only " + (uses.isEmpty() ? "no other englog module" : uses))
          .allowEmptyShould(true));
    });
    return rules;
  }

  /** No module touches another module's internal package, except the shared core's. */
  static List<ArchRule> internalRules(String root, Set<String> modules) {
    List<ArchRule> rules = new ArrayList<>();
    for (String module : modules) {
      if (module.equals(Modules.COMMON)) {
        continue;
      }
      rules.add(noClasses().that().resideOutsideOfPackage(root + "." + module + "..")
          .should().dependOnClassesThat().resideInAPackage(root + "." + module + ".internal..")
          .as("only " + module + " uses " + module + ".internal")
          .allowEmptyShould(true));
    }
    return rules;
  }

  @Test
  void everyModuleWithCodeIsImported() {
    Modules.PACKAGE_BY_ARTIFACT.forEach((artifact, pkg) -> {
      if (Modules.hasMainCode(artifact)) {
        assertThat(classes.containPackage(ROOT_PACKAGE + "." + pkg))
            .as("classes of %s were imported", artifact).isTrue();
      }
    });
  }

  @Test
  void modulesUseOnlyTheModulesTheLayeringAllows() {
    moduleDependencyRules(ROOT_PACKAGE, Modules.ALLOWED).forEach(rule -> rule.check(classes));
  }

  @Test
  void noModuleUsesAnotherModulesInternals() {
    internalRules(ROOT_PACKAGE, Modules.ALLOWED.keySet()).forEach(rule -> rule.check(classes));
  }

  @Test
  void libraryCodeDoesNotUseTestSupport() {
    noClasses().that().resideInAPackage(ROOT_PACKAGE + "..")
        .and().resideOutsideOfPackage(ROOT_PACKAGE + ".testsupport..")
        .should().dependOnClassesThat().resideInAPackage(ROOT_PACKAGE + ".testsupport..")
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void noJavaxServlet() {
    noClasses().should().dependOnClassesThat().resideInAPackage("javax.servlet..")
        .allowEmptyShould(true)
        .check(classes);
  }

  /** The one class allowed to read the application's facades (docs/design.md, "API conventions"). */
  static final String FACADE_READER = ROOT_PACKAGE + ".servlet.FacadeDefaults";

  /**
   * Library code takes instances and never reads the {@code Metrics} / {@code Traces} facades, with one
   * recorded exception: filters and servlets a container creates with their no-arg constructors, which
   * find no collaborator in the servlet context, fall back to the facades through one named class.
   */
  static ArchRule facadeRule(String facadePackageRoot) {
    return noClasses().that().resideInAPackage(facadePackageRoot + "..")
        .and().resideOutsideOfPackage(facadePackageRoot + ".metrics")
        .and().resideOutsideOfPackage(facadePackageRoot + ".tracing")
        .and().resideOutsideOfPackage(facadePackageRoot + ".testsupport..")
        .and().doNotHaveFullyQualifiedName(FACADE_READER)
        .should().dependOnClassesThat().haveFullyQualifiedName(facadePackageRoot + ".metrics.Metrics")
        .orShould().dependOnClassesThat().haveFullyQualifiedName(facadePackageRoot + ".tracing.Traces")
        .as("only " + FACADE_READER + " reads the Metrics and Traces facades")
        .allowEmptyShould(true);
  }

  @Test
  void onlyTheNamedFallbackClassReadsTheFacades() {
    facadeRule(ROOT_PACKAGE).check(classes);
    assertThat(classes.contain(FACADE_READER)).as("the named facade reader exists").isTrue();
  }

  @Test
  void librariesDoNotPrintToTheConsole() {
    // The health-check CLI is a program: its output is the point. Libraries log through SLF4J, except
    // the logging appender's one line about log events it could not write at shutdown, which cannot
    // go through the logging system that is stopping (logback prints its own status there too).
    noClasses().that().resideInAPackage(ROOT_PACKAGE + "..")
        .and().resideOutsideOfPackages(ROOT_PACKAGE + ".healthcheck..", ROOT_PACKAGE + ".testsupport..")
        .and().doNotHaveFullyQualifiedName(ROOT_PACKAGE + ".logging.BoundedAsyncAppender")
        .should().accessField(System.class, "out")
        .orShould().accessField(System.class, "err")
        .orShould().callMethod(Throwable.class, "printStackTrace")
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void rulesCatchALeafUsingAnotherLeafsInternals() {
    // Fixture: package ...fixture.leaf uses ...fixture.other.internal; both modules are leaves.
    JavaClasses fixture = new ClassFileImporter()
        .importClasses(UsesOtherLeafInternals.class, OtherLeafInternal.class);
    String root = "com.englog.observability.architecture.fixture";
    Map<String, Set<String>> allowed = Map.of("leaf", Set.of(Modules.COMMON),
        "other", Set.of(Modules.COMMON), Modules.COMMON, Set.of());

    List<EvaluationResult> layering = new ArrayList<>();
    moduleDependencyRules(root, allowed).forEach(r -> layering.add(r.evaluate(fixture)));
    List<EvaluationResult> internals = new ArrayList<>();
    internalRules(root, allowed.keySet()).forEach(r -> internals.add(r.evaluate(fixture)));

    assertThat(layering).anyMatch(EvaluationResult::hasViolation);
    assertThat(internals).anyMatch(EvaluationResult::hasViolation);
  }
}
