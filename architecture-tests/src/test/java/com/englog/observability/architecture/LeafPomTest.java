package com.englog.observability.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.testsupport.TestEnvironment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/**
 * The poms agree with the layering: a leaf declares no englog dependency but the shared core
 * (englog-common) and, in test scope, test support.
 */
class LeafPomTest {

  @Test
  void leavesDependOnNoEnglogModuleButTheSharedCore() {
    Modules.PACKAGE_BY_ARTIFACT.forEach((artifact, pkg) -> {
      if (!Modules.LEAVES.contains(pkg) && !pkg.equals(Modules.COMMON)) {
        return;
      }
      Element pom = Modules.parse(TestEnvironment.repositoryRoot().resolve(artifact).resolve("pom.xml"))
          .getDocumentElement();
      List<String> englogDeps = new ArrayList<>();
      for (Element d : Modules.elements(pom, "dependencies/dependency")) {
        boolean englog = "com.englog.observability".equals(Modules.child(d, "groupId"));
        boolean testSupport = "englog-test-support".equals(Modules.child(d, "artifactId"))
            && "test".equals(Modules.child(d, "scope"));
        boolean common = "englog-common".equals(Modules.child(d, "artifactId"))
            && !pkg.equals(Modules.COMMON);
        if (englog && !testSupport && !common) {
          englogDeps.add(Modules.child(d, "artifactId"));
        }
      }
      assertThat(englogDeps).as("englog dependencies of leaf %s", artifact).isEmpty();
    });
  }
}
