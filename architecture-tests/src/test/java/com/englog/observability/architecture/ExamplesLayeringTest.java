package com.englog.observability.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.testsupport.TestEnvironment;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The examples are written as an adopting team writes a service: they use the published API only,
 * never an englog {@code internal} package, and never a module's test support. Their compiled classes
 * are read from the reactor's build of each example (this module depends on them, so they are built
 * first).
 */
class ExamplesLayeringTest {

  private static JavaClasses mainClassesOf(String example) {
    Path classes = TestEnvironment.repositoryRoot().resolve("examples").resolve(example).resolve("target/classes");
    assertThat(classes).as("the reactor builds %s before this module", example).isDirectory();
    JavaClasses imported = new ClassFileImporter().importPath(classes);
    assertThat(imported).as("classes of %s", example).isNotEmpty();
    return imported;
  }

  @ParameterizedTest
  @ValueSource(strings = {"englog-api-example", "englog-worker-example", "englog-spring-boot-example"})
  void examplesUseOnlyThePublishedApi(String example) {
    JavaClasses classes = mainClassesOf(example);
    assertThat(classes.stream().anyMatch(c -> c.getPackageName().startsWith("com.englog.examples")))
        .as("%s holds the example's own classes", example).isTrue();
    List<ArchRule> rules = List.of(
        noClasses().should().dependOnClassesThat().resideInAPackage("com.englog.observability..internal..")
            .as(example + " uses no englog internal package"),
        noClasses().should().dependOnClassesThat().resideInAPackage("com.englog.observability.testsupport..")
            .as(example + " uses no test support in its main code"));
    rules.forEach(rule -> rule.check(classes));
  }

  @ParameterizedTest
  @ValueSource(strings = {"englog-api-example", "englog-worker-example", "englog-spring-boot-example"})
  void examplesAreStandaloneProjectsImportingTheBom(String example) throws Exception {
    String pom = Files.readString(TestEnvironment.repositoryRoot().resolve("examples").resolve(example).resolve("pom.xml"));
    assertThat(pom).as("%s has no englog parent", example).doesNotContain("<parent>");
    assertThat(pom).as("%s imports englog-bom as the README shows", example)
        .containsPattern("(?s)<artifactId>englog-bom</artifactId>\\s*<version>\\$\\{englog.version}</version>"
            + "\\s*<type>pom</type>\\s*<scope>import</scope>");
  }
}
