package com.englog.observability.architecture;

import com.englog.observability.testsupport.TestEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** The suite's modules as docs/design.md describes them, and facts read from their poms. */
final class Modules {

  static final String ROOT_PACKAGE = "com.englog.observability";

  /** Java package (below {@link #ROOT_PACKAGE}) of each library module. */
  static final Map<String, String> PACKAGE_BY_ARTIFACT = Map.of(
      "englog-common", "common",
      "englog-metrics", "metrics",
      "englog-tracing", "tracing",
      "englog-logging", "logging",
      "englog-health", "health",
      "englog-healthcheck", "healthcheck",
      "englog-servlet-filters", "servlet");

  /** The shared core: every module may use it, and its {@code internal} package too. */
  static final String COMMON = "common";

  /** Leaves: depend on no other englog module but {@link #COMMON}. */
  static final Set<String> LEAVES = Set.of("metrics", "tracing", "logging", "health");

  /** Which englog packages each module may use (leaves only the shared core). */
  static final Map<String, Set<String>> ALLOWED = Map.of(
      COMMON, Set.of(),
      "metrics", Set.of(COMMON),
      "tracing", Set.of(COMMON),
      "logging", Set.of(COMMON),
      "health", Set.of(COMMON),
      "healthcheck", Set.of(COMMON, "health"),
      "servlet", Set.of(COMMON, "metrics", "tracing", "logging", "health"));

  private Modules() {}

  static Document parse(Path pom) {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      return factory.newDocumentBuilder().parse(pom.toFile());
    } catch (Exception e) {
      throw new IllegalStateException("cannot parse " + pom, e);
    }
  }

  /** Text of the first direct child element {@code name} of {@code parent}, or null. */
  static String child(Element parent, String name) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element && ((Element) n).getTagName().equals(name)) {
        return n.getTextContent().trim();
      }
    }
    return null;
  }

  static Element childElement(Element parent, String name) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element && ((Element) n).getTagName().equals(name)) {
        return (Element) n;
      }
    }
    return null;
  }

  static List<Element> elements(Element parent, String path) {
    String[] parts = path.split("/");
    List<Element> current = List.of(parent);
    for (String part : parts) {
      List<Element> next = new ArrayList<>();
      for (Element e : current) {
        NodeList children = e.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
          Node n = children.item(i);
          if (n instanceof Element && ((Element) n).getTagName().equals(part)) {
            next.add((Element) n);
          }
        }
      }
      current = next;
    }
    return current;
  }

  /** The module folders listed in the root pom. */
  static List<String> moduleFolders() {
    Element root = parse(TestEnvironment.repositoryRoot().resolve("pom.xml")).getDocumentElement();
    List<String> folders = new ArrayList<>();
    for (Element m : elements(root, "modules/module")) {
      folders.add(m.getTextContent().trim());
    }
    return folders;
  }

  /** True if the module's folder holds Java sources other than package-info. */
  static boolean hasMainCode(String artifactId) {
    Path src = TestEnvironment.repositoryRoot().resolve(artifactId).resolve("src/main/java");
    if (!Files.isDirectory(src)) {
      return false;
    }
    try (Stream<Path> files = Files.walk(src)) {
      return files.anyMatch(p -> p.toString().endsWith(".java")
          && !p.getFileName().toString().equals("package-info.java"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
