package com.englog.observability.servlet;

import com.englog.observability.logging.LogFields;
import com.englog.observability.metrics.AuthFailureReason;
import com.englog.observability.metrics.LabelValues;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * One request in flight: its span and context, correlation id, start time and failure, finished exactly
 * once — when the first dispatch returns, or for an asynchronous request when the container reports it
 * complete ({@code onComplete}, after {@code onTimeout} or {@code onError} if they came).
 */
final class Observation implements AsyncListener {

  /** Status recorded for a request whose client went away before the answer was sent (as nginx does). */
  static final int CLIENT_CLOSED_REQUEST = 499;
  /** {@code error.type} of an asynchronous request that timed out. */
  static final String TIMEOUT = "timeout";

  private final FilterRuntime rt;
  private final HttpServletRequest request;
  private final HttpServletResponse response;
  private final ObservedResponse chainResponse;
  private final long startNanos;
  private final String method;
  private final String correlationId;
  private final String clientAddress;
  private final @Nullable String userAgent;
  private final Span span;
  private final Context context;
  private final boolean latencyExcluded;
  private final AtomicBoolean done = new AtomicBoolean();
  private volatile @Nullable Throwable error;
  private volatile @Nullable String errorType;
  private volatile boolean clientAbort;
  private volatile boolean listening;

  Observation(FilterRuntime rt, HttpServletRequest request, HttpServletResponse response,
      long startNanos, String method, String correlationId,
      String clientAddress, @Nullable String userAgent, Span span, Context context, boolean latencyExcluded) {
    this.rt = rt;
    this.request = request;
    this.response = response;
    this.chainResponse = new ObservedResponse(response, this, rt.countBytes);
    this.startNanos = startNanos;
    this.method = method;
    this.correlationId = correlationId;
    this.clientAddress = clientAddress;
    this.userAgent = userAgent;
    this.span = span;
    this.context = context;
    this.latencyExcluded = latencyExcluded;
  }

  Context context() {
    return context;
  }

  /** The response the chain gets: {@link ObservedResponse} over the container's. */
  HttpServletResponse chainResponse() {
    return chainResponse;
  }

  /** Makes the span current and sets the MDC entries on this thread until {@link Entered#close()}. */
  Entered enter() {
    return new Entered(context.makeCurrent(), correlationId);
  }

  /** The scope of one thread's work for the request; restores what the thread had before. */
  static final class Entered implements AutoCloseable {
    private final Scope scope;
    private final @Nullable String previous;

    Entered(Scope scope, String correlationId) {
      this.scope = scope;
      this.previous = MDC.get(LogFields.MDC_CORRELATION_ID);
      MDC.put(LogFields.MDC_CORRELATION_ID, correlationId);
    }

    @Override
    public void close() {
      try {
        if (previous == null) {
          MDC.remove(LogFields.MDC_CORRELATION_ID);
        } else {
          MDC.put(LogFields.MDC_CORRELATION_ID, previous);
        }
      } finally {
        scope.close();
      }
    }
  }

  /** Registers this observation as a listener of {@code async}, once per asynchronous cycle. */
  void listenTo(AsyncContext async) {
    if (!listening) {
      listening = true;
      async.addListener(this);
    }
  }

  /** The chain threw {@code t} (rethrown by the caller unchanged). */
  void failed(Throwable t) {
    if (ClientAborts.isClientAbort(t)) {
      clientAbort = true;
      errorType = t.getClass().getName();
      if (error == null) {
        error = t;
      }
    } else if (error == null || clientAbort) {
      error = t;
      clientAbort = false;
      errorType = null;
    }
  }

  /**
   * A write to the response failed with {@code e} (rethrown by the caller unchanged): recorded when the
   * client went away, since the application may catch it and end the request as if nothing happened.
   */
  void writeFailed(IOException e) {
    if (ClientAborts.isClientAbort(e)) {
      failed(e);
    }
  }

  /** Records metrics, span and access log once; later calls do nothing. Call with {@link #enter()} in effect. */
  void finish() {
    if (!done.compareAndSet(false, true)) {
      return;
    }
    long end = System.nanoTime();
    Throwable failure = error;
    int status = response.getStatus();
    if (clientAbort) {
      status = CLIENT_CLOSED_REQUEST;
    } else if (failure != null && status < 500) {
      status = 500;
    }
    String template = rt.routes.template(request);
    String endpoint = Routes.endpoint(method, status, template);
    Duration duration = Duration.ofNanos(Math.max(0, end - startNanos));
    if (latencyExcluded) {
      rt.metrics.recordHttpRequestCount(method, endpoint, status); // a stream's length is no latency
    } else {
      rt.metrics.recordHttpRequest(method, endpoint, status, duration);
    }
    recordSecurity(status, endpoint);

    String userId = null;
    String sessionId = null;
    try {
      userId = rt.details.userId(request);
      sessionId = rt.details.sessionId(request);
    } catch (RuntimeException e) {
      // a throwing hook knows nothing
    }
    String pseudonym = userId != null ? rt.spans.pseudonym(userId) : null;
    String loggedUser = rt.rawUserId && userId != null ? userId : pseudonym;
    rt.spans.user(span, pseudonym, userId, sessionId);
    rt.spans.finish(span, context, method, endpoint.equals(template) ? template : null, status, errorType,
        failure, !clientAbort);
    if (rt.ownSpans) {
      span.end();
    }
    if (rt.accessLog != null) {
      long counted = chainResponse.bytesWritten();
      long bytes = counted >= 0 ? counted : contentLength();
      rt.accessLog.log(method, endpoint, status, duration,
          correlationId, clientAddress, userAgent, bytes, loggedUser, sessionId,
          request.getQueryString());
    }
  }

  private void recordSecurity(int status, String endpoint) {
    if (status == 401) {
      String authMethod = null;
      AuthFailureReason reason = null;
      try {
        authMethod = rt.details.authMethod(request, response);
        reason = rt.details.authFailureReason(request, response);
      } catch (RuntimeException e) {
        // a throwing hook knows nothing
      }
      rt.metrics.recordAuthenticationFailure(authMethod != null ? authMethod : LabelValues.OTHER,
          reason != null ? reason : AuthFailureReason.OTHER, endpoint);
    } else if (status == 403) {
      rt.metrics.recordAccessDenied(endpoint);
    } else if (status == 429) {
      rt.metrics.recordRateLimited(endpoint);
    }
  }

  private long contentLength() {
    String header = response.getHeader("Content-Length");
    if (header == null) {
      return -1;
    }
    try {
      return Long.parseLong(header.strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  // ---------------------------------------------------------------- AsyncListener

  @SuppressWarnings("try") // the scope restores the thread; its body needs no handle
  @Override
  public void onComplete(AsyncEvent event) {
    try (Entered entered = enter()) {
      finish();
    }
  }

  @Override
  public void onTimeout(AsyncEvent event) {
    if (error == null && errorType == null) {
      errorType = TIMEOUT;
    }
  }

  @Override
  public void onError(AsyncEvent event) {
    Throwable t = event.getThrowable();
    if (t != null) {
      failed(t);
    } else if (errorType == null) {
      errorType = LabelValues.OTHER;
    }
  }

  @Override
  public void onStartAsync(AsyncEvent event) throws IOException {
    // A new asynchronous cycle forgets the listeners of the last one.
    AsyncContext async = event.getAsyncContext();
    if (async != null) {
      async.addListener(this);
    }
  }
}
