package com.englog.observability.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.testsupport.TestEnvironment;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/** englog-bom lists exactly the published modules, with the right type. */
class BomCompletenessTest {

  /** artifactId → type ("jar", "zip") of every module the build publishes as a dependency. */
  static Map<String, String> publishedArtifacts(Path root) {
    Map<String, String> published = new TreeMap<>();
    for (String folder : Modules.moduleFolders()) {
      Element pom = Modules.parse(root.resolve(folder).resolve("pom.xml")).getDocumentElement();
      String artifactId = Modules.child(pom, "artifactId");
      String packaging = Modules.child(pom, "packaging");
      Element properties = Modules.childElement(pom, "properties");
      boolean unpublished = properties != null
          && "true".equals(Modules.child(properties, "englog.unpublished"));
      if (unpublished || artifactId.equals("englog-bom") || artifactId.equals("englog-parent")) {
        continue;
      }
      if (packaging == null || packaging.equals("jar")) {
        published.put(artifactId, "jar");
      } else if (pom.getTextContent().contains("attach-artifact")) {
        published.put(artifactId, "zip"); // monitoring assets: a pom module attaching a zip
      }
    }
    return published;
  }

  static Map<String, String> bomEntries(Path root) {
    Element bom = Modules.parse(root.resolve("englog-bom/pom.xml")).getDocumentElement();
    Map<String, String> entries = new TreeMap<>();
    for (Element d : Modules.elements(bom, "dependencyManagement/dependencies/dependency")) {
      String type = Modules.child(d, "type");
      entries.put(Modules.child(d, "artifactId"), type == null ? "jar" : type);
      assertThat(Modules.child(d, "groupId")).isEqualTo("com.englog.observability");
      assertThat(Modules.child(d, "version")).isEqualTo("${project.version}");
    }
    return entries;
  }

  @Test
  void bomListsEveryPublishedModuleAndNothingElse() {
    Path root = TestEnvironment.repositoryRoot();
    Map<String, String> published = publishedArtifacts(root);

    assertThat(published).containsKeys("englog-metrics", "englog-monitoring-assets");
    assertThat(bomEntries(root)).isEqualTo(published);
  }

  @Test
  void bomDoesNotInheritThirdPartyDependencyManagement() {
    // Importing the BOM must not pin a service's other libraries: its parent manages nothing.
    Element parent = Modules.parse(TestEnvironment.repositoryRoot().resolve("englog-parent/pom.xml"))
        .getDocumentElement();
    assertThat(Modules.childElement(parent, "dependencyManagement")).isNull();
    Element bom = Modules.parse(TestEnvironment.repositoryRoot().resolve("englog-bom/pom.xml")).getDocumentElement();
    assertThat(Modules.child(Modules.childElement(bom, "parent"), "artifactId")).isEqualTo("englog-parent");
  }
}
