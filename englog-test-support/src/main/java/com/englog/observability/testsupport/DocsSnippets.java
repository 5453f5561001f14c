package com.englog.observability.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps a docs page's code blocks equal to compiled test code: a test marks the code the page shows
 * with {@code // docs:start NAME} and {@code // docs:end NAME} lines, and asserts that each region is
 * one of the page's fenced blocks, verbatim.
 *
 * <pre>{@code
 * Map<String, String> regions = DocsSnippets.regions(Path.of("src/test/java/.../TracingDocsExampleTest.java"));
 * assertThat(DocsSnippets.fencedBlocks(Path.of("../docs/tracing.md"), "java")).containsAll(regions.values());
 * }</pre>
 *
 * <p>A region is taken without its common indentation (that of its {@code docs:start} line). A line
 * that carries a {@code // test only} comment (a test's own scaffolding: an in-memory exporter, a
 * {@code return}, an assertion) is left out of it, so the page shows the code a service writes.
 */
public final class DocsSnippets {

  private static final Pattern REGION =
      Pattern.compile("(?s)\\n( *)// docs:start (\\S+)\\n(.*?)\\n *// docs:end \\2\\n");
  private static final Pattern TEST_ONLY_LINE = Pattern.compile("(?m)^.*// test only.*(\\n|\\z)");

  private DocsSnippets() {}

  /** The regions of {@code source} by name, in file order; fails when a name is used twice. */
  public static Map<String, String> regions(Path source) {
    Matcher m = REGION.matcher(read(source));
    Map<String, String> regions = new LinkedHashMap<>();
    while (m.find()) {
      String text = m.group(3).replaceAll("(?m)^" + m.group(1), "");
      text = TEST_ONLY_LINE.matcher(text).replaceAll("");
      if (text.endsWith("\n")) {
        text = text.substring(0, text.length() - 1);
      }
      if (regions.put(m.group(2), text) != null) {
        throw new AssertionError("docs region " + m.group(2) + " appears twice in " + source);
      }
    }
    return regions;
  }

  /** The bodies of the {@code ```language} blocks of a Markdown page, in page order. */
  public static List<String> fencedBlocks(Path markdown, String language) {
    Matcher m = Pattern.compile("(?s)```" + Pattern.quote(language) + "\\n(.*?)\\n```").matcher(read(markdown));
    List<String> blocks = new ArrayList<>();
    while (m.find()) {
      blocks.add(m.group(1));
    }
    return blocks;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
