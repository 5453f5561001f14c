package com.englog.observability.logging;

import static com.englog.observability.logging.Throwables.withFrames;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.status.Status;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** One pipeline for every text of an event, counted by kind; through logback configured from XML. */
class RedactionPipelineTest {

  private static final String[] SECRETS = {
      "hunter2", "s3cr3t-arg", "mdc-pass-1", "kv-pass-2", "nested-pass-3", "ghp_0123456789abcdefghijABCDEFGHIJ012345",
      "ada@example.com", "cause-pass-4", "suppressed-pass-5", "AKIAIOSFODNN7EXAMPLE", "abcdefghijklmnop123",
  };

  /** Logs one event with a secret in every place a text can hide. Returns the expected counts. */
  private static Map<RedactionKind, Integer> logEverywhere(Logger log) {
    RuntimeException suppressed = withFrames(new RuntimeException("close failed: password=suppressed-pass-5"),
        "x.Tx.close(Tx.java:1)");
    IllegalStateException failure = withFrames(new IllegalStateException("call failed for ada@example.com",
            withFrames(new java.io.IOException("auth header was Bearer abcdefghijklmnop123 token=cause-pass-4"),
                "x.Http.send(Http.java:3)")),
        "x.Service.run(Service.java:2)");
    failure.addSuppressed(suppressed);
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("secret", "nested-pass-3"); // by field name
    nested.put("note", "key AKIAIOSFODNN7EXAMPLE"); // by format
    MDC.put("password", "mdc-pass-1");
    MDC.put("request_id", "req-1");
    try {
      log.atError()
          .setMessage("login password={} with {}")
          .addArgument("hunter2")
          .addArgument("token=s3cr3t-arg")
          .addKeyValue("api_key", "kv-pass-2")
          .addKeyValue("deploy", "ghp_0123456789abcdefghijABCDEFGHIJ012345")
          .addKeyValue("details", nested)
          .setCause(failure)
          .log();
    } finally {
      MDC.clear();
    }
    Map<RedactionKind, Integer> expected = new LinkedHashMap<>();
    // message: password=, token= | deploy value | nested note AKIA | cause: Bearer, token= | suppressed: password=
    expected.put(RedactionKind.CREDENTIAL, 2 + 1 + 1 + 2 + 1);
    expected.put(RedactionKind.PII, 1); // e-mail in the exception message
    expected.put(RedactionKind.FIELD, 3); // MDC password, KV api_key, nested secret
    return expected;
  }

  @Test
  void noSecretReachesTheOutputAndEveryRedactionIsCounted() {
    LoggerContext context = Logback.configure(Logback.withEncoder(""));
    Logback.assertNoErrors(context);
    RedactionCounts counts = RedactionCounts.of(context);
    Map<RedactionKind, Long> before = snapshot(counts);

    Map<RedactionKind, Integer> expected = logEverywhere(context.getLogger("app"));

    byte[] output = Logback.capture(context, "CAPTURE").bytes();
    String text = Lines.text(output);
    for (String secret : SECRETS) {
      assertThat(text).as("output must not contain %s", secret).doesNotContain(secret);
    }
    JsonNode line = Lines.parseAll(output).get(0);
    assertThat(line.get("message").asText()).isEqualTo("login password=[REDACTED] with token=[REDACTED]");
    assertThat(line.get("password").asText()).isEqualTo("[REDACTED]");
    assertThat(line.get("request_id").asText()).isEqualTo("req-1");
    assertThat(line.get("details").get("note").asText()).isEqualTo("key [REDACTED]");
    assertThat(line.get("error").get("cause").get("message").asText())
        .isEqualTo("auth header was Bearer [REDACTED] token=[REDACTED]");
    expected.forEach((kind, n) -> assertThat(counts.count(kind) - before.get(kind)).as("%s", kind).isEqualTo(n.longValue()));
    context.stop();
  }

  /**
   * Names are text too: a thread named after the request it serves, a logger or marker named from
   * data, a script engine's frame naming the script's URL, a map keyed by e-mail address. Logged twice:
   * the second time the names come from the encoder's caches, and must still be redacted and counted.
   */
  @Test
  void threadLoggerMarkerNamesStackFramesAndMapKeysAreRedactedAndCountedAtEveryUse() throws Exception {
    LoggerContext context = Logback.configure(Logback.withEncoder(""));
    Logback.assertNoErrors(context);
    RedactionCounts counts = RedactionCounts.of(context);
    Map<RedactionKind, Long> before = snapshot(counts);
    Logger log = context.getLogger("jobs.https://deploy:l0gger-pw@git.example.com/ops");
    IllegalStateException failure = new IllegalStateException("script failed");
    failure.setStackTrace(new StackTraceElement[] {
        new StackTraceElement("org.openjdk.nashorn.internal.scripts.Script$Recompilation$7$job", ":program",
            "https://deploy:fr4me-pw@scripts.example.com/job.js", 7),
        new StackTraceElement("com.englog.jobs.Runner", "run", "Runner.java", 42)});
    Map<String, Integer> scores = new LinkedHashMap<>();
    scores.put("ada@example.com", 3);
    Runnable logOnce = () -> log.atWarn()
        .setMessage("job done")
        .addMarker(org.slf4j.MarkerFactory.getDetachedMarker("owner=bob@example.com"))
        .addKeyValue("scores", scores)
        .setCause(failure)
        .log();
    Thread worker = new Thread(() -> {
      logOnce.run();
      logOnce.run();
    }, "http GET /api/v1/export?access_token=thr34d-t0ken");
    worker.start();
    worker.join(60_000);

    byte[] output = Logback.capture(context, "CAPTURE").bytes();
    assertThat(Lines.text(output)).doesNotContain("thr34d-t0ken", "l0gger-pw", "fr4me-pw", "bob@example.com",
        "ada@example.com");
    List<JsonNode> lines = Lines.parseAll(output);
    assertThat(lines).hasSize(2);
    for (JsonNode line : lines) {
      assertThat(line.get("thread").asText()).isEqualTo("http GET /api/v1/export?access_token=[REDACTED]");
      assertThat(line.get("logger").asText()).isEqualTo("jobs.https://deploy:[REDACTED]@git.example.com/ops");
      assertThat(line.get("markers").get(0).asText()).isEqualTo("owner=[REDACTED]");
      assertThat(line.get("scores").get("[REDACTED]").asInt()).isEqualTo(3);
      assertThat(line.get("error").get("frames").get(0).asText()).isEqualTo(
          "org.openjdk.nashorn.internal.scripts.Script$Recompilation$7$job.:program"
              + "(https://deploy:[REDACTED]@scripts.example.com/job.js:7)");
      assertThat(line.get("error").get("frames").get(1).asText()).isEqualTo("com.englog.jobs.Runner.run(Runner.java:42)");
    }
    // Per line: thread, logger, frame (credential); marker, map key (pii).
    assertThat(counts.count(RedactionKind.CREDENTIAL) - before.get(RedactionKind.CREDENTIAL)).isEqualTo(2 * 3);
    assertThat(counts.count(RedactionKind.PII) - before.get(RedactionKind.PII)).isEqualTo(2 * 2);
    context.stop();
  }

  @Test
  void listenersHearEachEventsCountsAndAThrowingOneIsContained() {
    LoggerContext context = Logback.configure(Logback.withEncoder(""));
    RedactionCounts counts = RedactionCounts.of(context);
    List<String> heard = Collections.synchronizedList(new ArrayList<>());
    RedactionListener recorder = (kind, n) -> heard.add(kind.label() + "=" + n);
    RedactionListener broken = (kind, n) -> {
      throw new IllegalStateException("listener bug");
    };
    counts.addListener(recorder);
    counts.addListener(broken);
    counts.addListener(recorder); // added once only
    long failuresBefore = counts.listenerFailures();

    logEverywhere(context.getLogger("app"));

    assertThat(heard).containsExactly("credential=7", "pii=1", "field=3");
    assertThat(counts.listenerFailures() - failuresBefore).isEqualTo(3);
    assertThat(Logback.capture(context, "CAPTURE").lines()).hasSize(1); // the event was still written

    counts.removeListener(recorder);
    counts.removeListener(broken);
    heard.clear();
    context.getLogger("app").info("password=x");
    assertThat(heard).isEmpty();
    context.stop();
  }

  @Test
  void countersSurviveReconfiguration() {
    LoggerContext context = Logback.configure(Logback.withEncoder(""));
    LongSupplier credentials = RedactionCounts.of(context).counter(RedactionKind.CREDENTIAL);
    long start = credentials.getAsLong();
    context.getLogger("app").info("password=one");
    assertThat(credentials.getAsLong() - start).isEqualTo(1);

    context.reset();
    Logback.configure(context, Logback.withEncoder(""));
    context.getLogger("app").info("password=two");
    assertThat(credentials.getAsLong() - start).isEqualTo(2);
    context.stop();
  }

  @Test
  void allowListModeWritesOnlyAllowedFields() {
    LoggerContext context = Logback.configure(Logback.withEncoder(
        "<redactionMode>ALLOW_LIST</redactionMode><allowField>request_id</allowField><allowField>route</allowField>"));
    Logback.assertNoErrors(context);
    MDC.put("request_id", "req-9");
    MDC.put("customer_note", "lives at 1 Main Street");
    try {
      context.getLogger("app").atInfo().setMessage("done for ada@example.com")
          .addKeyValue("route", "/api/v1/journals/{id}").addKeyValue("free_text", "anything").log();
    } finally {
      MDC.clear();
    }
    JsonNode line = Logback.capture(context, "CAPTURE").lines().get(0);
    assertThat(line.get("request_id").asText()).isEqualTo("req-9");
    assertThat(line.get("route").asText()).isEqualTo("/api/v1/journals/{id}");
    assertThat(line.get("customer_note").asText()).isEqualTo("[REDACTED]");
    assertThat(line.get("free_text").asText()).isEqualTo("[REDACTED]");
    assertThat(line.get("message").asText()).isEqualTo("done for [REDACTED]"); // free text is still scanned
    context.stop();
  }

  @Test
  void redactionRulesAreConfigurableInLogbackXml() {
    LoggerContext context = Logback.configure(Logback.withEncoder(
        "<denyField>internal_note</denyField>"
            + "<disableDetector>email</disableDetector>"
            + "<enableDetector>credit-card</enableDetector>"
            + "<piiPattern>\\bEMP-\\d{6}\\b</piiPattern>"
            + "<credentialPattern>vault:v1:[A-Za-z0-9+/=]+</credentialPattern>"
            + "<redactionReplacement>***</redactionReplacement>"));
    Logback.assertNoErrors(context);
    context.getLogger("app").atInfo()
        .setMessage("ada@example.com paid with 4111 1111 1111 1111, employee EMP-123456, blob vault:v1:abcd==")
        .addKeyValue("internal_note", "x").log();
    JsonNode line = Logback.capture(context, "CAPTURE").lines().get(0);
    assertThat(line.get("message").asText()).isEqualTo("ada@example.com paid with ***, employee ***, blob ***");
    assertThat(line.get("internal_note").asText()).isEqualTo("***");
    context.stop();
  }

  @Test
  void badRedactionSettingsAreReportedAndTheRestStillWorks() {
    LoggerContext context = Logback.configure(Logback.withEncoder(
        "<redactionMode>MAYBE</redactionMode><piiPattern>([unclosed</piiPattern><disableDetector>nope</disableDetector>"));
    List<String> errors = Logback.statuses(context, Status.ERROR);
    assertThat(errors).anyMatch(m -> m.contains("redactionMode") && m.contains("ALLOW_LIST"));
    assertThat(errors).anyMatch(m -> m.contains("piiPattern") && m.contains("([unclosed"));
    assertThat(errors).anyMatch(m -> m.contains("disableDetector") && m.contains("nope"));
    context.getLogger("app").info("password=x");
    assertThat(Logback.capture(context, "CAPTURE").lines().get(0).get("message").asText())
        .isEqualTo("password=[REDACTED]");
    context.stop();
  }

  @Test
  void redactionCanBeSwitchedOff() {
    LoggerContext context = Logback.configure(Logback.withEncoder("<redaction>false</redaction>"));
    context.getLogger("app").info("password=visible");
    assertThat(Logback.capture(context, "CAPTURE").lines().get(0).get("message").asText())
        .isEqualTo("password=visible");
    context.stop();
  }

  private static Map<RedactionKind, Long> snapshot(RedactionCounts counts) {
    Map<RedactionKind, Long> m = new LinkedHashMap<>();
    for (RedactionKind k : RedactionKind.values()) {
      m.put(k, counts.count(k));
    }
    return m;
  }
}
