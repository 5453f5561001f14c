package com.englog.observability.servlet;

import com.englog.observability.logging.StructuredLogger;
import java.time.Duration;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * One {@code http_request} line per request through {@link StructuredLogger}: method, route, status,
 * duration, correlation id, client address, user agent, bytes out, user and session when the service
 * supplies them. Never a credential: no header but {@code User-Agent} is read, and the query string is
 * written (field {@value #QUERY_FIELD}) only when the service enables it, with the value of every
 * parameter whose name looks like a secret replaced by {@code [REDACTED]}.
 */
final class AccessLog {

  /** Field of the redacted query string, when enabled. */
  static final String QUERY_FIELD = "url_query";
  static final String REDACTED = "[REDACTED]";
  static final int MAX_QUERY_LENGTH = 1024;

  private static final String[] SECRET_NAMES = {"pass", "pwd", "secret", "token", "key", "auth", "session",
      "sid", "code", "signature", "sig", "credential", "cookie", "otp", "jwt", "bearer", "ticket"};

  private final StructuredLogger logger;
  private final boolean queryString;

  AccessLog(StructuredLogger logger, boolean queryString) {
    this.logger = logger;
    this.queryString = queryString;
  }

  void log(String method, String route, int status, Duration duration, String correlationId,
      @Nullable String clientAddress, @Nullable String userAgent, long bytesOut, @Nullable String userId,
      @Nullable String sessionId, @Nullable String query) {
    String redacted = queryString && query != null ? redactQuery(query) : null;
    if (redacted != null) {
      MDC.put(QUERY_FIELD, redacted);
    }
    try {
      logger.logRequest(StructuredLogger.RequestLog.builder(method, route, status)
          .duration(duration)
          .correlationId(correlationId)
          .clientAddress(clientAddress)
          .userAgent(userAgent)
          .bytesOut(bytesOut)
          .userId(userId)
          .sessionId(sessionId)
          .build());
    } finally {
      if (redacted != null) {
        MDC.remove(QUERY_FIELD);
      }
    }
  }

  /** {@code a=1&token=xyz} → {@code a=1&token=[REDACTED]}; cut to {@value #MAX_QUERY_LENGTH} characters. */
  static String redactQuery(String query) {
    String q = query.length() > MAX_QUERY_LENGTH ? query.substring(0, MAX_QUERY_LENGTH) : query;
    StringBuilder out = new StringBuilder(q.length());
    int start = 0;
    while (start <= q.length()) {
      int amp = q.indexOf('&', start);
      int end = amp < 0 ? q.length() : amp;
      String pair = q.substring(start, end);
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      if (out.length() > 0 || start > 0) {
        out.append('&');
      }
      if (eq >= 0 && looksSecret(name)) {
        out.append(name).append('=').append(REDACTED);
      } else {
        out.append(pair);
      }
      if (amp < 0) {
        break;
      }
      start = amp + 1;
    }
    return out.toString();
  }

  private static boolean looksSecret(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    for (String s : SECRET_NAMES) {
      if (n.contains(s)) {
        return true;
      }
    }
    return false;
  }
}
