package com.englog.observability.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.tracing.internal.AgentDetector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real detection: a child JVM whose bootstrap class path holds the agent's marker class (as the
 * agent's premain arranges) reports the agent and reuses the global SDK; the same JVM without it
 * builds its own. The 22 MB agent itself is not needed for this.
 */
class AgentDetectionIT {

  @TempDir
  Path dir;

  private Path markerOnBootClassPath() throws IOException {
    String name = AgentDetector.AGENT_MARKER_CLASS;
    Path source = dir.resolve("src").resolve(name.replace('.', '/') + ".java");
    Files.createDirectories(source.getParent());
    Files.writeString(source, "package " + name.substring(0, name.lastIndexOf('.')) + ";\n"
        + "public final class AgentInitializer { private AgentInitializer() {} }\n");
    Path classes = dir.resolve("boot");
    Files.createDirectories(classes);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int rc = javac.run(null, null, null, "-d", classes.toString(), source.toString());
    assertThat(rc).as("javac").isZero();
    return classes;
  }

  private String probe(List<String> jvmArgs) throws Exception {
    return probe(jvmArgs, null);
  }

  private String probe(List<String> jvmArgs, Path extraClassPath) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.add("-cp");
    String classPath = System.getProperty("java.class.path");
    command.add(extraClassPath == null ? classPath : extraClassPath + java.io.File.pathSeparator + classPath);
    command.add(AgentProbe.class.getName());
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("probe finished").isTrue();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }

  @Test
  void theMarkerInTheBootstrapLoaderMeansTheAgentAndItsSdkIsReused() throws Exception {
    Path boot = markerOnBootClassPath();
    assertThat(probe(List.of("-Xbootclasspath/a:" + boot))).contains("agentActive=true mode=AGENT facade=AGENT");
  }

  @Test
  void theMarkerOnTheApplicationClassPathIsNotTheAgent() throws Exception {
    Path classes = markerOnBootClassPath();
    // An application jar that happens to contain the class must not switch the SDK off.
    assertThat(probe(List.of(), classes)).contains("agentActive=false mode=SDK facade=NOOP");
  }

  @Test
  void aDisabledAgentIsNotReused() throws Exception {
    Path boot = markerOnBootClassPath();
    assertThat(probe(List.of("-Xbootclasspath/a:" + boot, "-Dotel.javaagent.enabled=false")))
        .contains("agentActive=false mode=SDK");
  }
}
