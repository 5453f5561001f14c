package com.englog.observability.servlet;

import com.englog.observability.common.Secret;
import com.englog.observability.tracing.SpanAttributes;
import com.englog.observability.tracing.Spans;
import com.englog.observability.tracing.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.instrumentation.api.semconv.http.HttpServerRoute;
import io.opentelemetry.instrumentation.api.semconv.http.HttpServerRouteSource;
import io.opentelemetry.semconv.ClientAttributes;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.HttpAttributes;
import io.opentelemetry.semconv.NetworkAttributes;
import io.opentelemetry.semconv.ServerAttributes;
import io.opentelemetry.semconv.UrlAttributes;
import io.opentelemetry.semconv.UserAgentAttributes;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * The request's SERVER span: its parent from the incoming headers, its semantic-convention attributes,
 * the {@code traceresponse} header value, and the user and session attributes. With the OpenTelemetry
 * Java agent attached the agent's SERVER span is current already, and it is enriched instead.
 */
final class ServerSpans {

  static final AttributeKey<String> ENDUSER_ID = AttributeKey.stringKey(SpanAttributes.ENDUSER_ID);
  static final AttributeKey<String> ENDUSER_PSEUDO_ID = AttributeKey.stringKey(SpanAttributes.ENDUSER_PSEUDO_ID);
  static final AttributeKey<String> SESSION_ID = AttributeKey.stringKey(SpanAttributes.SESSION_ID);
  /** The request's correlation id on its span. */
  static final AttributeKey<String> CORRELATION_ID = AttributeKey.stringKey("englog.correlation_id");

  /** Reads request headers for the propagators; repeated lines are joined with commas, as HTTP defines. */
  static final TextMapGetter<HttpServletRequest> HEADERS = new TextMapGetter<>() {
    @Override
    @SuppressWarnings("deprecation") // still required by the interface; the propagators call get()
    public Iterable<String> keys(HttpServletRequest carrier) {
      Enumeration<String> names = carrier.getHeaderNames();
      return names == null ? Collections.emptyList() : Collections.list(names);
    }

    @Override
    public @Nullable String get(@Nullable HttpServletRequest carrier, String key) {
      if (carrier == null) {
        return null;
      }
      Enumeration<String> lines = carrier.getHeaders(key);
      if (lines == null || !lines.hasMoreElements()) {
        return null;
      }
      String first = lines.nextElement();
      if (!lines.hasMoreElements()) {
        return first;
      }
      StringBuilder joined = new StringBuilder(first);
      while (lines.hasMoreElements()) {
        joined.append(',').append(lines.nextElement());
      }
      return joined.toString();
    }

    /** The lines as they came: the bounded extract joins them within its line and length limits. */
    @Override
    public Iterator<String> getAll(@Nullable HttpServletRequest carrier, String key) {
      Enumeration<String> lines = carrier == null ? null : carrier.getHeaders(key);
      return lines == null || !lines.hasMoreElements() ? Collections.emptyIterator() : lines.asIterator();
    }
  };

  private final Tracing tracing;
  private final ServerAuthority authority = new ServerAuthority();
  private final boolean agent;
  private final @Nullable Secret pseudonymKey;
  private final boolean rawUserId;
  private volatile Keyed mac;

  ServerSpans(Tracing tracing, @Nullable Secret pseudonymKey, boolean rawUserId) {
    this.tracing = tracing;
    this.agent = tracing.mode() == Tracing.Mode.AGENT;
    this.pseudonymKey = pseudonymKey;
    this.rawUserId = rawUserId;
  }

  /** Whether the agent's span is enriched instead of starting one. */
  boolean agent() {
    return agent;
  }

  /** The caller's context from the request headers, bounded and safe against hostile values. */
  Context parent(HttpServletRequest request) {
    return tracing.extract(Context.root(), request, HEADERS);
  }

  /**
   * Starts the SERVER span, not current, named after the method until the route is known. The start
   * attributes go on the span builder one by one: an {@code Attributes} would be built and sorted per
   * request for nothing.
   */
  Span start(Context parent, HttpServletRequest request, String method, String clientAddress,
      @Nullable String userAgent) {
    boolean known = Routes.isKnownMethod(method);
    SpanBuilder b = tracing.serverSpanBuilder(known ? method : "HTTP", parent);
    if (known) {
      b.setAttribute(HttpAttributes.HTTP_REQUEST_METHOD, method);
    } else {
      b.setAttribute(HttpAttributes.HTTP_REQUEST_METHOD, "_OTHER");
      b.setAttribute(HttpAttributes.HTTP_REQUEST_METHOD_ORIGINAL, method);
    }
    b.setAttribute(UrlAttributes.URL_PATH, request.getRequestURI());
    b.setAttribute(UrlAttributes.URL_SCHEME, request.getScheme());
    b.setAttribute(ClientAttributes.CLIENT_ADDRESS, clientAddress);
    b.setAttribute(NetworkAttributes.NETWORK_PEER_ADDRESS, request.getRemoteAddr());
    String version = protocolVersion(request.getProtocol());
    if (version != null) {
      b.setAttribute(NetworkAttributes.NETWORK_PROTOCOL_VERSION, version);
    }
    if (userAgent != null) {
      b.setAttribute(UserAgentAttributes.USER_AGENT_ORIGINAL, userAgent);
    }
    ServerAuthority.HostPort server = authority.of(request);
    b.setAttribute(ServerAttributes.SERVER_ADDRESS, server.host());
    b.setAttribute(ServerAttributes.SERVER_PORT, server.port());
    return b.startSpan();
  }

  /** {@code HTTP/1.1} → {@code 1.1}, {@code HTTP/2.0} → {@code 2}. */
  static @Nullable String protocolVersion(@Nullable String protocol) {
    if (protocol == null || !protocol.startsWith("HTTP/")) {
      return null;
    }
    switch (protocol) {
      case "HTTP/1.1":
        return "1.1";
      case "HTTP/2.0":
      case "HTTP/2":
        return "2";
      case "HTTP/1.0":
        return "1.0";
      default:
        return protocol.substring(5);
    }
  }

  /** The W3C {@code traceresponse} header value of {@code span}, or null when it is not recording. */
  static @Nullable String traceResponse(Span span) {
    SpanContext c = span.getSpanContext();
    if (!c.isValid()) {
      return null;
    }
    return "00-" + c.getTraceId() + '-' + c.getSpanId() + '-' + c.getTraceFlags().asHex();
  }

  /**
   * Sets the attributes known when the request finished, names the span and sets its status: error on a
   * 5xx answer and on an exception; a client that went away ({@code serverFault} false) gets {@code
   * error.type} and the exception event but no error status, as for any 4xx.
   */
  void finish(Span span, Context context, String method, @Nullable String route, int status,
      @Nullable String errorType, @Nullable Throwable error, boolean serverFault) {
    if (route != null) {
      if (agent) {
        // The agent sets http.route and the span name itself when its span ends, from the route state in
        // the request's context: a plain attribute would be overwritten with the servlet mapping.
        HttpServerRoute.update(context, HttpServerRouteSource.CONTROLLER, route);
      } else {
        span.setAttribute(HttpAttributes.HTTP_ROUTE, route);
        span.updateName((Routes.isKnownMethod(method) ? method : "HTTP") + ' ' + route);
      }
    }
    span.setAttribute(HttpAttributes.HTTP_RESPONSE_STATUS_CODE, (long) status);
    if (!serverFault) {
      if (errorType != null) {
        span.setAttribute(ErrorAttributes.ERROR_TYPE, errorType);
      }
      if (error != null) {
        span.recordException(error);
      }
      return;
    }
    if (error != null) {
      Spans.markFailure(span, error);
      if (errorType != null) {
        span.setAttribute(ErrorAttributes.ERROR_TYPE, errorType);
      }
    } else if (errorType != null) {
      Spans.markFailure(span, errorType);
    } else if (status >= 500) {
      Spans.markFailure(span, Integer.toString(status));
    }
  }

  /**
   * Puts the user and session on the span: the HMAC pseudonym ({@code enduser.pseudo.id}), the raw id
   * ({@code enduser.id}) only when the service opted in, and {@code session.id}.
   */
  void user(Span span, @Nullable String pseudonym, @Nullable String userId, @Nullable String sessionId) {
    if (pseudonym != null) {
      span.setAttribute(ENDUSER_PSEUDO_ID, pseudonym);
    }
    if (userId != null && rawUserId) {
      span.setAttribute(ENDUSER_ID, userId);
    }
    if (sessionId != null) {
      span.setAttribute(SESSION_ID, sessionId);
    }
  }

  /** HMAC-SHA256 of {@code userId} under the service's key, hex; null without a key. */
  @Nullable String pseudonym(String userId) {
    if (pseudonymKey == null) {
      return null;
    }
    Optional<String> key = pseudonymKey.value();
    if (key.isEmpty()) {
      return null;
    }
    Keyed k = mac;
    if (k == null || !k.key.equals(key.get())) {
      try {
        Mac m = Mac.getInstance("HmacSHA256");
        m.init(new SecretKeySpec(key.get().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        k = new Keyed(key.get(), m);
        mac = k;
      } catch (GeneralSecurityException e) {
        return null;
      }
    }
    byte[] digest;
    try {
      Mac m = (Mac) k.prototype.clone();
      digest = m.doFinal(userId.getBytes(StandardCharsets.UTF_8));
    } catch (CloneNotSupportedException e) {
      synchronized (k) {
        digest = k.prototype.doFinal(userId.getBytes(StandardCharsets.UTF_8));
      }
    }
    StringBuilder hex = new StringBuilder(digest.length * 2);
    for (byte b : digest) {
      hex.append(Character.forDigit(b >> 4 & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    return hex.toString();
  }

  private static final class Keyed {
    final String key;
    final Mac prototype;

    Keyed(String key, Mac prototype) {
      this.key = key;
      this.prototype = prototype;
    }
  }
}
