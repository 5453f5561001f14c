package com.englog.observability.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.testsupport.Exposition;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** error_type comes from the exception's type, carried status and cause chain, never its message. */
class AiErrorClassifierTest {

  private final AiErrorClassifier standard = AiErrorClassifier.standard();

  /** Shaped like provider SDK exceptions that carry the HTTP status. */
  public static class ProviderHttpException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public ProviderHttpException(int status, String message) {
      super(message);
      this.status = status;
    }

    public int statusCode() {
      return status;
    }
  }

  /** Like Spring's exception hierarchy: the status is reachable through getRawStatusCode(). */
  public static class RestClientResponseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RestClientResponseException() {
      super("boom");
    }

    public int getRawStatusCode() {
      return 503;
    }
  }

  public static class OpenAiRateLimitException extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  public static class BadRequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  public static class ServiceUnavailableError extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  public static class UnauthorizedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  /** A status accessor that blows up must not break classification. */
  public static class BrokenStatusException extends IOException {
    private static final long serialVersionUID = 1L;

    public int status() {
      throw new IllegalStateException("no status");
    }
  }

  @Test
  void classifiesByType() {
    assertThat(standard.classify(new TimeoutException())).isEqualTo(AiErrorType.TIMEOUT);
    assertThat(standard.classify(new SocketTimeoutException())).isEqualTo(AiErrorType.TIMEOUT);
    assertThat(standard.classify(new HttpTimeoutException("x"))).isEqualTo(AiErrorType.TIMEOUT);
    assertThat(standard.classify(new InterruptedIOException("timeout"))).isEqualTo(AiErrorType.TIMEOUT);
    assertThat(standard.classify(new CancellationException())).isEqualTo(AiErrorType.CANCELLED);
    assertThat(standard.classify(new InterruptedException())).isEqualTo(AiErrorType.CANCELLED);
    assertThat(standard.classify(new ConnectException())).isEqualTo(AiErrorType.NETWORK);
    assertThat(standard.classify(new UnknownHostException())).isEqualTo(AiErrorType.NETWORK);
    assertThat(standard.classify(new SSLHandshakeException("x"))).isEqualTo(AiErrorType.NETWORK);
    assertThat(standard.classify(new EOFException())).isEqualTo(AiErrorType.NETWORK);
    assertThat(standard.classify(new IllegalArgumentException())).isEqualTo(AiErrorType.INVALID_REQUEST);
    assertThat(standard.classify(new IllegalStateException())).isEqualTo(AiErrorType.UNKNOWN);
    assertThat(standard.classify(null)).isEqualTo(AiErrorType.UNKNOWN);
  }

  @Test
  void classifiesByCarriedHttpStatus() {
    assertThat(standard.classify(new ProviderHttpException(429, "slow down"))).isEqualTo(AiErrorType.RATE_LIMIT);
    assertThat(standard.classify(new ProviderHttpException(401, "x"))).isEqualTo(AiErrorType.AUTHENTICATION);
    assertThat(standard.classify(new ProviderHttpException(403, "x"))).isEqualTo(AiErrorType.AUTHENTICATION);
    assertThat(standard.classify(new ProviderHttpException(400, "x"))).isEqualTo(AiErrorType.INVALID_REQUEST);
    assertThat(standard.classify(new ProviderHttpException(422, "x"))).isEqualTo(AiErrorType.INVALID_REQUEST);
    assertThat(standard.classify(new ProviderHttpException(504, "x"))).isEqualTo(AiErrorType.TIMEOUT);
    assertThat(standard.classify(new ProviderHttpException(500, "x"))).isEqualTo(AiErrorType.PROVIDER_ERROR);
    assertThat(standard.classify(new RestClientResponseException())).isEqualTo(AiErrorType.PROVIDER_ERROR);
    assertThat(standard.classify(new ProviderHttpException(42, "x"))).isEqualTo(AiErrorType.UNKNOWN);
  }

  @Test
  void classifiesByClassNameWords() {
    assertThat(standard.classify(new OpenAiRateLimitException())).isEqualTo(AiErrorType.RATE_LIMIT);
    assertThat(standard.classify(new BadRequestException())).isEqualTo(AiErrorType.INVALID_REQUEST);
    assertThat(standard.classify(new ServiceUnavailableError())).isEqualTo(AiErrorType.PROVIDER_ERROR);
    assertThat(standard.classify(new UnauthorizedException())).isEqualTo(AiErrorType.AUTHENTICATION);
  }

  @Test
  void looksThroughWrappersToTheCause() {
    assertThat(standard.classify(new ExecutionException(new SocketTimeoutException())))
        .isEqualTo(AiErrorType.TIMEOUT);
    assertThat(standard.classify(new CompletionException(new OpenAiRateLimitException())))
        .isEqualTo(AiErrorType.RATE_LIMIT);
    // A generic IOException says "network" only if nothing deeper says more.
    assertThat(standard.classify(new UncheckedIOException(new IOException(new SocketTimeoutException()))))
        .isEqualTo(AiErrorType.TIMEOUT);
    assertThat(standard.classify(new RuntimeException(new IOException("reset"))))
        .isEqualTo(AiErrorType.NETWORK);
    assertThat(standard.classify(new BrokenStatusException())).isEqualTo(AiErrorType.NETWORK);
  }

  @Test
  void ignoresTheMessage() {
    assertThat(standard.classify(new RuntimeException("timeout rate_limit 429"))).isEqualTo(AiErrorType.UNKNOWN);
  }

  @Test
  void survivesCausalCycles() {
    RuntimeException a = new RuntimeException("a");
    RuntimeException b = new RuntimeException("b", a);
    a.initCause(b);
    assertThat(standard.classify(a)).isEqualTo(AiErrorType.UNKNOWN);
  }

  @Test
  void aCustomClassifierComesFirstAndFallsBackWhenItGivesUp() {
    try (EnglogMetrics m = EnglogMetrics.builder().jvmMetrics(false)
        .aiErrorClassifier(e -> e instanceof IllegalStateException ? AiErrorType.PROVIDER_ERROR
            : e instanceof ArithmeticException ? (AiErrorType) failing() : null)
        .build()) {
      m.recordAiProcessing("t", "p", Duration.ofSeconds(1), new IllegalStateException("quota"));
      m.recordAiProcessing("t", "p", Duration.ofSeconds(1), new TimeoutException());
      m.recordAiProcessing("t", "p", Duration.ofSeconds(1), new ArithmeticException());
      Exposition.Family f = Exposition.parse(m.scrapeHandler().handle(null).bodyText())
          .family("englog_ai_processing_errors_total");
      assertThat(value(f, "provider_error")).isEqualTo(1);
      assertThat(value(f, "timeout")).isEqualTo(1);
      assertThat(value(f, "unknown")).isEqualTo(1);
    }
  }

  private static Object failing() {
    throw new IllegalStateException("classifier bug");
  }

  private static double value(Exposition.Family f, String type) {
    return f.value("englog_ai_processing_errors_total",
        Map.of("task_type", "t", "provider", "p", "error_type", type));
  }

  @Test
  void classifyingAFailureStormStaysCheap() {
    // A provider outage classifies thousands of errors a second. Looking accessors up again for each
    // error threw and filled a NoSuchMethodException per name and class (kilobytes per call); they
    // are resolved once per class. Measured as allocation, which load does not disturb.
    java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
    org.junit.jupiter.api.Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean);
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
    Throwable error = new CompletionException(new UncheckedIOException(
        new IOException(new RestClientResponseException())));
    for (int i = 0; i < 200; i++) {
      assertThat(standard.classify(error)).isEqualTo(AiErrorType.PROVIDER_ERROR);
    }
    long id = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(id);
    int calls = 2000;
    for (int i = 0; i < calls; i++) {
      standard.classify(error);
    }
    long perCall = (threads.getThreadAllocatedBytes(id) - before) / calls;
    assertThat(perCall).as("bytes allocated per classification").isLessThan(1024);
  }
}
