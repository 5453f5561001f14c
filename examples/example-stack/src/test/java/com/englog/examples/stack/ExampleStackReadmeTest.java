package com.englog.examples.stack;

import static com.englog.examples.stack.ExampleStack.AI_PROVIDER;
import static com.englog.examples.stack.ExampleStack.API;
import static com.englog.examples.stack.ExampleStack.WORKER;
import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.testsupport.JavaServiceProcess;
import com.englog.observability.testsupport.TestEnvironment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The "What the launcher runs" sections of the example READMEs show the commands {@link ExampleStack}
 * builds: with Redis and PostgreSQL and the default ports, per-run values as the READMEs' placeholders;
 * without an option exactly its variables go; the span export variables are the ones the prose names.
 */
class ExampleStackReadmeTest {

  private static final String SECTION = "## What the launcher runs";
  /** A Redis port no default uses, shown as {@code <redis>}. */
  private static final int REDIS_PORT = 46379;
  private static final Pattern PROSE_VARIABLE = Pattern.compile("`(OTEL_[A-Z_]+)`");

  private record Readme(String name, String prose, Map<String, List<String>> commands) {}

  @Test
  void apiReadmeShowsTheCommandsOfTheAiProviderAndTheApi() throws IOException {
    checkCommands(readme("englog-api-example"), List.of(AI_PROVIDER, API));
  }

  @Test
  void workerReadmeShowsTheCommandOfTheWorker() throws IOException {
    checkCommands(readme("englog-worker-example"), List.of(WORKER));
  }

  @Test
  void withoutRedisOrPostgresExactlyTheirVariablesGo() throws IOException {
    for (Readme readme : List.of(readme("englog-api-example"), readme("englog-worker-example"))) {
      readme.commands().forEach((service, shown) -> {
        for (boolean redis : new boolean[] {false, true}) {
          for (boolean postgres : new boolean[] {false, true}) {
            List<String> expected = shown.stream()
                .filter(t -> redis || !t.startsWith("ENGLOG_EXAMPLE_REDIS_"))
                .filter(t -> postgres || !t.startsWith("ENGLOG_EXAMPLE_JDBC_"))
                .toList();
            assertThat(planned(service, redis, postgres, false))
                .as("%s, %s with redis=%s, postgres=%s", readme.name(), service, redis, postgres)
                .isEqualTo(expected);
          }
        }
      });
    }
  }

  @Test
  void theSpanExportVariablesAreTheOnesTheProseNames() throws IOException {
    for (Readme readme : List.of(readme("englog-api-example"), readme("englog-worker-example"))) {
      Set<String> named = new LinkedHashSet<>();
      Matcher m = PROSE_VARIABLE.matcher(readme.prose());
      while (m.find()) {
        named.add(m.group(1));
      }
      for (String service : readme.commands().keySet()) {
        Set<String> added = variables(planned(service, true, true, true));
        added.removeAll(variables(planned(service, true, true, false)));
        assertThat(added).as("%s, %s: variables only with a collector", readme.name(), service)
            .containsExactlyInAnyOrderElementsOf(named);
      }
    }
  }

  private static void checkCommands(Readme readme, List<String> services) {
    assertThat(readme.commands().keySet()).as(readme.name() + ": services shown").containsExactlyElementsOf(services);
    for (String service : services) {
      assertThat(readme.commands().get(service)).as(readme.name() + ": " + service)
          .isEqualTo(planned(service, true, true, false));
    }
  }

  /**
   * The launcher's command for {@code service} with the default ports and drain time, {@code java} for
   * the running JVM's program, jars relative to the repository root, and the placeholders for the
   * metrics token file, the Redis port and PostgreSQL's ({@code PostgresServer}'s URL and user).
   */
  private static List<String> planned(String service, boolean redis, boolean postgres, boolean otlp) {
    ExampleStack.Options defaults = new ExampleStack.Options();
    Path root = TestEnvironment.repositoryRoot();
    ExampleStack.Wiring wiring = new ExampleStack.Wiring(root.resolve("examples"), defaults.apiPort, defaults.workerPort,
        defaults.aiPort, Path.of("<token>"), defaults.drainSeconds, redis ? REDIS_PORT : 0,
        postgres ? "jdbc:postgresql://127.0.0.1:<pg>/postgres" : null, postgres ? "postgres" : null,
        otlp ? "http://127.0.0.1:4318" : null);
    String java = JavaServiceProcess.javaExecutable().toString();
    return ExampleStack.plannedCommand(service, wiring).stream()
        .map(t -> t.equals(java) ? "java" : t.replace(root + "/", "")
            .replace("127.0.0.1:" + REDIS_PORT, "127.0.0.1:<redis>"))
        .toList();
  }

  /** The names of the leading {@code NAME=value} words. */
  private static Set<String> variables(List<String> command) {
    Set<String> names = new LinkedHashSet<>();
    for (String word : command) {
      if (word.equals("java")) {
        break;
      }
      names.add(word.substring(0, word.indexOf('=')));
    }
    return names;
  }

  /**
   * The section's prose and its {@code sh} block, one command per line that does not start with a
   * blank (indented lines continue it), split into words and keyed by {@code OTEL_SERVICE_NAME}.
   */
  private static Readme readme(String example) throws IOException {
    Path file = TestEnvironment.repositoryRoot().resolve("examples").resolve(example).resolve("README.md");
    String text = Files.readString(file, StandardCharsets.UTF_8);
    int start = text.indexOf("\n" + SECTION + "\n");
    assertThat(start).as(file + " has a section " + SECTION).isNotNegative();
    int end = text.indexOf("\n## ", start + 1);
    String section = text.substring(start + SECTION.length() + 2, end < 0 ? text.length() : end);
    int open = section.indexOf("```sh\n");
    int close = section.indexOf("\n```", open);
    assertThat(open).as(file + ": one sh block in " + SECTION).isNotNegative();
    assertThat(section.indexOf("```", close + 4)).as(file + ": one sh block in " + SECTION).isNegative();

    List<String> lines = new ArrayList<>();
    for (String line : section.substring(open + "```sh\n".length(), close).split("\n")) {
      String words = line.strip();
      words = words.endsWith("\\") ? words.substring(0, words.length() - 1) : words;
      if (line.startsWith(" ") && !lines.isEmpty()) {
        lines.set(lines.size() - 1, lines.get(lines.size() - 1) + " " + words);
      } else {
        lines.add(words);
      }
    }
    Map<String, List<String>> commands = new LinkedHashMap<>();
    for (String line : lines) {
      List<String> words = Arrays.asList(line.strip().split("\\s+"));
      String service = words.stream().filter(w -> w.startsWith("OTEL_SERVICE_NAME=")).findFirst()
          .map(w -> w.substring("OTEL_SERVICE_NAME=".length()))
          .orElseThrow(() -> new AssertionError(file + ": a command without OTEL_SERVICE_NAME: " + line));
      assertThat(commands.put(service, words)).as(file + ": " + service + " shown twice").isNull();
    }
    return new Readme(example, section.substring(0, open), commands);
  }
}
