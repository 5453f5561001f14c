import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Prints a Markdown summary of japicmp's XML reports ({@code <module>/target/japicmp/api-diff.xml}):
 * per module, how many public classes, methods and fields were removed, changed and added, then each
 * removed class and each change that breaks callers (binary or source). A module without a report is
 * listed as new. Run by scripts/api-diff.sh: {@code java scripts/ApiDiffSummary.java <baseline>
 * <module>...}.
 */
public final class ApiDiffSummary {

  private static final List<String> STATUSES = List.of("REMOVED", "MODIFIED", "NEW");
  /** japicmp's member elements: container, element, what the summary calls them. */
  private static final List<String[]> MEMBERS = List.of(
      new String[] {"constructors", "constructor", "constructor"},
      new String[] {"methods", "method", "method"},
      new String[] {"fields", "field", "field"});

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
        table.append("| ").append(module).append(" | new module, not in the baseline |").append(" |".repeat(8))
            .append('\n');
        continue;
      }
      Map<String, Integer> classes = new TreeMap<>();
      Map<String, Integer> methods = new TreeMap<>();
      Map<String, Integer> fields = new TreeMap<>();
      List<String> breaking = new ArrayList<>();
      for (Element c : children(child(parse(report), "classes"), "class")) {
        String name = c.getAttribute("fullyQualifiedName");
        String status = c.getAttribute("changeStatus");
        classes.merge(status, 1, Integer::sum);
        boolean removed = "REMOVED".equals(status);
        Set<String> why = new LinkedHashSet<>(incompatibleChanges(c));
        for (String[] kind : MEMBERS) {
          for (Element m : children(child(c, kind[0]), kind[1])) {
            (kind[1].equals("field") ? fields : methods).merge(m.getAttribute("changeStatus"), 1, Integer::sum);
            if (breaks(m)) {
              why.add(kind[2] + " `" + signature(m, kind[1]) + "` " + String.join(", ", incompatibleChanges(m)));
            }
          }
        }
        if (removed) {
          breaking.add("removed class `" + name + "`");
        } else if (breaks(c) || !why.isEmpty()) {
          breaking.add("`" + name + "` (" + incompatibility(c) + "): " + String.join("; ", why));
        }
      }
      table.append("| ").append(module);
      for (Map<String, Integer> counts : List.of(classes, methods, fields)) {
        for (String status : STATUSES) {
          table.append(" | ").append(counts.getOrDefault(status, 0));
        }
      }
      table.append(" |\n");
      if (!breaking.isEmpty()) {
        details.append("\n**").append(module).append("** breaks callers:\n\n");
        breaking.forEach(line -> details.append("- ").append(line).append('\n'));
      }
    }
    System.out.println("### Public API changes since " + args[0] + " (japicmp)");
    System.out.println();
    System.out.println("Public and protected members outside the `internal` packages; methods include"
        + " constructors, and the members of added or removed classes are counted too. Full reports:"
        + " `<module>/target/japicmp/api-diff.html`.");
    System.out.println();
    System.out.println("| Module | Classes removed | changed | added | Methods removed | changed | added"
        + " | Fields removed | changed | added |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    System.out.print(table);
    System.out.print(details);
  }

  private static boolean breaks(Element e) {
    return "false".equals(e.getAttribute("binaryCompatible")) || "false".equals(e.getAttribute("sourceCompatible"));
  }

  /** "binary", "source" or "binary and source" incompatible, or "compatible". */
  private static String incompatibility(Element c) {
    boolean binary = "false".equals(c.getAttribute("binaryCompatible"));
    boolean source = "false".equals(c.getAttribute("sourceCompatible"));
    return binary && source ? "binary and source" : binary ? "binary" : source ? "source" : "compatible";
  }

  /** The japicmp change types (e.g. METHOD_REMOVED) of {@code e} itself that break callers. */
  private static List<String> incompatibleChanges(Element e) {
    return children(child(e, "compatibilityChanges"), "compatibilityChange").stream()
        .filter(ApiDiffSummary::breaks)
        .map(change -> change.getAttribute("type"))
        .collect(Collectors.toList());
  }

  private static String signature(Element member, String kind) {
    if (kind.equals("field")) {
      return member.getAttribute("name");
    }
    String parameters = children(child(member, "parameters"), "parameter").stream()
        .map(p -> p.getAttribute("type"))
        .collect(Collectors.joining(", "));
    return (kind.equals("constructor") ? "<init>" : member.getAttribute("name")) + "(" + parameters + ")";
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
