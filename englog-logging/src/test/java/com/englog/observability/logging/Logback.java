package com.englog.observability.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.Status;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.MDC;
import java.util.stream.Collectors;

/** Real logback configuration from XML, as a service would have it. */
final class Logback {

  private Logback() {}

  static LoggerContext configure(String xml) {
    LoggerContext context = new LoggerContext();
    context.setName("test-" + System.nanoTime());
    // A context made by hand has no MDC adapter; share SLF4J's, as the default context does.
    context.setMDCAdapter(MDC.getMDCAdapter());
    configure(context, xml);
    return context;
  }

  static void configure(LoggerContext context, String xml) {
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    try {
      configurator.doConfigure(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    } catch (JoranException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Status messages at or above {@code level} (Status.WARN, Status.ERROR). */
  static List<String> statuses(LoggerContext context, int level) {
    return context.getStatusManager().getCopyOfStatusList().stream()
        .filter(s -> s.getEffectiveLevel() >= level)
        .map(Status::getMessage)
        .collect(Collectors.toList());
  }

  static void assertNoErrors(LoggerContext context) {
    assertThat(statuses(context, Status.ERROR)).isEmpty();
  }

  static CapturingAppender capture(LoggerContext context, String appenderName) {
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    return (CapturingAppender) root.getAppender(appenderName);
  }

  /** A configuration with one capturing appender named CAPTURE and the given encoder body. */
  static String withEncoder(String encoderBody) {
    return "<configuration>\n"
        + "  <appender name=\"CAPTURE\" class=\"com.englog.observability.logging.CapturingAppender\">\n"
        + "    <encoder class=\"com.englog.observability.logging.JsonEncoder\">" + encoderBody + "</encoder>\n"
        + "  </appender>\n"
        + "  <root level=\"DEBUG\"><appender-ref ref=\"CAPTURE\"/></root>\n"
        + "</configuration>\n";
  }
}
