import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Prints a Markdown summary of japicmp's XML reports (target/japicmp/api-diff.xml of each module
 * given): per module, how many public classes and methods were removed, changed and added, and the
 * names of removed and incompatibly changed classes. Run by scripts/api-diff.sh:
 * {@code java scripts/ApiDiffSummary.java <baseline> <module>...}.
 */
public final class ApiDiffSummary {

  private static final String[] STATUSES = {"REMOVED", "MODIFIED", "NEW"};

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: java scripts/ApiDiffSummary.java <baseline> <module>...");
      System.exit(2);
    }
    StringBuilder table = new StringBuilder();
    StringBuilder details = new StringBuilder();
    for (int i = 1; i < args.length; i++) {
      String module = args[i];
      Path report = Path.of(module, "target", "japicmp", "api-diff.xml");
      if (!Files.exists(report)) {
        table.append("| ").append(module).append(" | new module, not in the baseline | | | | | | |\n");
        continue;
      }
      Map<String, Integer> classes = new TreeMap<>();
      Map<String, Integer> methods = new TreeMap<>();
      List<String> removed = new ArrayList<>();
      List<String> breaking = new ArrayList<>();
      Element root = parse(report);
      for (Element c : children(child(root, "classes"), "class")) {
        String name = c.getAttribute("fullyQualifiedName");
        String status = c.getAttribute("changeStatus");
        classes.merge(status, 1, Integer::sum);
        if ("REMOVED".equals(status)) {
          removed.add(name);
        } else if ("false".equals(c.getAttribute("binaryCompatible"))
            || "false".equals(c.getAttribute("sourceCompatible"))) {
          breaking.add(name + " (" + incompatibility(c) + ")");
        }
        for (String kind : List.of("methods/method", "constructors/constructor")) {
          String[] path = kind.split("/");
          for (Element m : children(child(c, path[0]), path[1])) {
            methods.merge(m.getAttribute("changeStatus"), 1, Integer::sum);
          }
        }
      }
      table.append("| ").append(module);
      for (Map<String, Integer> counts : List.of(classes, methods)) {
        for (String status : STATUSES) {
          table.append(" | ").append(counts.getOrDefault(status, 0));
        }
      }
      table.append(" | ").append(breaking.size() + removed.size()).append(" |\n");
      if (!removed.isEmpty() || !breaking.isEmpty()) {
        details.append("\n**").append(module).append("**\n\n");
        removed.forEach(n -> details.append("- removed `").append(n).append("`\n"));
        breaking.forEach(n -> details.append("- incompatible: `").append(n.replace(" (", "` (")).append('\n'));
      }
    }
    System.out.println("### Public API changes since " + args[0] + " (japicmp)");
    System.out.println();
    System.out.println("Public and protected members of the non-internal packages. Methods include constructors"
        + " and the members of added or removed classes; reports: `<module>/target/japicmp/api-diff.html`.");
    System.out.println();
    System.out.println("| Module | Classes removed | Classes changed | Classes added | Methods removed"
        + " | Methods changed | Methods added | Classes breaking callers |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
    System.out.print(table);
    System.out.print(details);
  }

  /** "binary", "source" or "binary and source". */
  private static String incompatibility(Element c) {
    boolean binary = "false".equals(c.getAttribute("binaryCompatible"));
    boolean source = "false".equals(c.getAttribute("sourceCompatible"));
    return binary && source ? "binary and source" : binary ? "binary" : "source";
  }

  private static Element parse(Path file) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return factory.newDocumentBuilder().parse(file.toFile()).getDocumentElement();
  }

  private static Element child(Element parent, String name) {
    List<Element> found = children(parent, name);
    return found.isEmpty() ? null : found.get(0);
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> found = new ArrayList<>();
    if (parent == null) {
      return found;
    }
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element && ((Element) n).getTagName().equals(name)) {
        found.add((Element) n);
      }
    }
    return found;
  }
}
