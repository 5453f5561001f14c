package com.englog.observability.architecture;

import static com.englog.observability.architecture.Modules.ROOT_PACKAGE;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.architecture.fixture.leaf.ChecksTokensItself;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Infrastructure two modules need is written once, in englog-common: comparing secrets, watching a
 * secret file for changes, and reading HikariCP's pool by reflection happen nowhere else.
 */
class SharedCoreTest {

  private static final String HIKARI = "com.zaxxer.hikari";

  static ArchRule noOwnSecretHandling(String modulePackage) {
    return noClasses().that().resideInAPackage(modulePackage + "..")
        .should().callMethod(MessageDigest.class, "isEqual", byte[].class, byte[].class)
        .orShould().callMethod(Files.class, "getLastModifiedTime", Path.class,
            java.nio.file.LinkOption[].class)
        .as(modulePackage + " compares and watches secrets only through englog-common")
        .allowEmptyShould(true);
  }

  /** Classes of {@code classes} whose constant pool names HikariCP (reflection by class name). */
  static List<String> hikariReflection(JavaClasses classes) {
    TreeSet<String> found = new TreeSet<>();
    for (JavaClass c : classes) {
      if (c.getSource().isEmpty()) {
        continue;
      }
      URI uri = c.getSource().get().getUri();
      try (InputStream in = uri.toURL().openStream()) {
        String constants = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        if (constants.contains(HIKARI) || constants.contains(HIKARI.replace('.', '/'))) {
          found.add(c.getName());
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + uri, e);
      }
    }
    return List.copyOf(found);
  }

  private static JavaClasses moduleClasses(String module) {
    return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages(ROOT_PACKAGE + "." + module);
  }

  @ParameterizedTest
  @ValueSource(strings = {"metrics", "tracing", "logging", "health", "healthcheck", "servlet"})
  void secretsAreComparedAndWatchedOnlyInTheSharedCore(String module) {
    noOwnSecretHandling(ROOT_PACKAGE + "." + module).check(moduleClasses(module));
  }

  @ParameterizedTest
  @ValueSource(strings = {"metrics", "tracing", "logging", "health", "healthcheck", "servlet"})
  void hikariIsReadOnlyInTheSharedCore(String module) {
    assertThat(hikariReflection(moduleClasses(module))).as("classes of %s naming %s", module, HIKARI)
        .isEmpty();
  }

  @Test
  void theSharedCoreIsWhereTheyLive() {
    JavaClasses common = moduleClasses(Modules.COMMON);
    assertThat(hikariReflection(common)).isNotEmpty();
    assertThat(noOwnSecretHandling(ROOT_PACKAGE + ".common").evaluate(common).hasViolation()).isTrue();
  }

  @Test
  void rulesCatchAModuleDoingItItself() {
    JavaClasses fixture = new ClassFileImporter().importClasses(ChecksTokensItself.class);
    String pkg = "com.englog.observability.architecture.fixture.leaf";
    assertThat(noOwnSecretHandling(pkg).evaluate(fixture).hasViolation()).isTrue();
    assertThat(hikariReflection(fixture)).containsExactly(ChecksTokensItself.class.getName());
  }
}
