package com.englog.observability.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.testsupport.OtlpHttpReceiver;
import com.englog.observability.testsupport.ReceivedSpan;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The JVM shutdown hook, in a child JVM exporting to a real OTLP receiver: by default it flushes an
 * instance nobody closed; turned off, a service's own shutdown sequence can end spans while it drains
 * and then close, and those spans are exported instead of being cut off by a concurrent SDK shutdown.
 */
class ShutdownHookIT {

  private static String run(OtlpHttpReceiver receiver, String scenario) throws Exception {
    Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), ShutdownProbe.class.getName(), receiver.endpoint(), scenario)
        .redirectErrorStream(true).start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("probe exited").isTrue();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).contains("probe exiting");
    return output;
  }

  @Test
  void byDefaultTheHookExportsWhatANeverClosedInstanceHolds() throws Exception {
    try (OtlpHttpReceiver receiver = OtlpHttpReceiver.start()) {
      run(receiver, "forgotten");
      List<ReceivedSpan> spans = receiver.awaitSpans(1, Duration.ofSeconds(10));
      assertThat(spans).extracting(ReceivedSpan::name).containsExactly("never-closed");
    }
  }

  @Test
  void withTheHookOffTheServicesOwnShutdownExportsSpansEndedWhileDraining() throws Exception {
    try (OtlpHttpReceiver receiver = OtlpHttpReceiver.start()) {
      String output = run(receiver, "drain");
      List<ReceivedSpan> spans = receiver.awaitSpans(1, Duration.ofSeconds(10));
      assertThat(spans).as("probe output:%n%s", output).extracting(ReceivedSpan::name)
          .containsExactly("in-flight-request");
    }
  }
}
