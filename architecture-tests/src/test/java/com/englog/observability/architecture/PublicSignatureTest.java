package com.englog.observability.architecture;

import static com.englog.observability.architecture.Modules.ROOT_PACKAGE;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.architecture.fixture.leaf.ExposesOtherLeafInternals;
import com.englog.observability.architecture.fixture.other.internal.OtherLeafInternal;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What an application can see of a module names no type of an {@code internal} package: internal
 * types may change in any release, so a public method, field or supertype that mentions one makes
 * them API after all.
 */
class PublicSignatureTest {

  /**
   * Public (or protected) classes outside {@code ..internal..} packages under {@code root}, all of whose
   * enclosing classes are visible too: their public and protected constructors, methods and fields,
   * their supertypes and type parameters mention no type of an {@code ..internal..} package (type
   * arguments, bounds and thrown exceptions included).
   */
  static ArchRule noInternalTypeInPublicSignatures(String root) {
    return classes().that(visibleOutsideTheirModule(root))
        .should(exposeNoInternalType())
        .as("public signatures outside " + root + "..internal.. name no internal type");
  }

  @Test
  void publicSignaturesNameNoInternalType() {
    noInternalTypeInPublicSignatures(ROOT_PACKAGE).check(new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages(ROOT_PACKAGE));
  }

  @Test
  void ruleCatchesEveryWayAPublicSignatureCanExposeAnInternalType() {
    // Fixture: ...fixture.leaf.ExposesOtherLeafInternals exposes ...fixture.other.internal types five
    // ways, and uses them where applications cannot see them twice.
    EvaluationResult result = noInternalTypeInPublicSignatures("com.englog.observability.architecture.fixture")
        .evaluate(new ClassFileImporter().importPackagesOf(ExposesOtherLeafInternals.class, OtherLeafInternal.class));

    List<String> violations = result.getFailureReport().getDetails();
    assertThat(violations).hasSize(6);
    assertThat(String.join("\n", violations))
        .contains("implements", "field", "returns", "parameter", "throws", "type parameter")
        .doesNotContain("hidden", "Hidden", "packagePrivate");
  }

  private static DescribedPredicate<JavaClass> visibleOutsideTheirModule(String root) {
    return DescribedPredicate.describe("are visible outside their module", c -> {
      if (!c.getPackageName().startsWith(root + ".") || isInternal(c)) {
        return false;
      }
      for (JavaClass k = c; k != null; k = k.getEnclosingClass().orElse(null)) {
        if (!visible(k.getModifiers()) || k.isAnonymousClass() || k.isLocalClass()) {
          return false;
        }
      }
      return true;
    });
  }

  private static ArchCondition<JavaClass> exposeNoInternalType() {
    return new ArchCondition<>("expose no internal type") {
      @Override
      public void check(JavaClass c, ConditionEvents events) {
        c.getSuperclass().ifPresent(t -> report(c, "extends", t, events));
        c.getInterfaces().forEach(t -> report(c, "implements", t, events));
        c.getTypeParameters().forEach(t -> report(c, "type parameter", t, events));
        for (JavaField f : c.getFields()) {
          if (exposed(f)) {
            report(f, "field", f.getType(), events);
          }
        }
        for (JavaCodeUnit u : c.getCodeUnits()) {
          if (!exposed(u)) {
            continue;
          }
          report(u, "returns", u.getReturnType(), events);
          u.getParameterTypes().forEach(t -> report(u, "parameter", t, events));
          u.getTypeParameters().forEach(t -> report(u, "type parameter", t, events));
          u.getThrowsClause().getTypes().forEach(t -> report(u, "throws", t, events));
        }
      }
    };
  }

  private static void report(Object where, String role, JavaType type, ConditionEvents events) {
    Collection<JavaClass> internal = type.getAllInvolvedRawTypes().stream()
        .filter(PublicSignatureTest::isInternal)
        .toList();
    for (JavaClass k : internal) {
      events.add(SimpleConditionEvent.violated(where,
          describe(where) + " " + role + " " + type.getName() + ", naming internal " + k.getName()));
    }
  }

  private static String describe(Object where) {
    return where instanceof JavaMember ? ((JavaMember) where).getFullName() : ((JavaClass) where).getName();
  }

  private static boolean exposed(JavaMember member) {
    return visible(member.getModifiers())
        && !member.getModifiers().contains(JavaModifier.SYNTHETIC)
        && !member.getModifiers().contains(JavaModifier.BRIDGE);
  }

  private static boolean visible(Set<JavaModifier> modifiers) {
    return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
  }

  private static boolean isInternal(JavaClass c) {
    String pkg = c.getPackageName();
    return pkg.endsWith(".internal") || pkg.contains(".internal.");
  }
}
