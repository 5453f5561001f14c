package com.englog.observability.metrics.internal;

import com.englog.observability.metrics.AiErrorClassifier;
import com.englog.observability.metrics.AiErrorType;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/** Not public API. */
public final class StandardAiErrorClassifier implements AiErrorClassifier {

  public static final StandardAiErrorClassifier INSTANCE = new StandardAiErrorClassifier();

  private static final int MAX_DEPTH = 16;
  private static final List<String> STATUS_METHODS =
      List.of("statusCode", "getStatusCode", "status", "getStatus", "code", "getRawStatusCode");

  private StandardAiErrorClassifier() {}

  @Override
  public AiErrorType classify(Throwable error) {
    if (error == null) {
      return AiErrorType.UNKNOWN;
    }
    AiErrorType weak = null;
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    Throwable t = error;
    for (int depth = 0; t != null && depth < MAX_DEPTH && seen.put(t, Boolean.TRUE) == null; depth++) {
      AiErrorType strong = strong(t);
      if (strong != null) {
        return strong;
      }
      if (weak == null) {
        weak = weak(t);
      }
      t = t.getCause();
    }
    return weak != null ? weak : AiErrorType.UNKNOWN;
  }

  private static AiErrorType strong(Throwable t) {
    AiErrorType byStatus = byStatus(httpStatus(t));
    if (byStatus != null) {
      return byStatus;
    }
    if (t instanceof TimeoutException || t instanceof SocketTimeoutException
        || t instanceof HttpTimeoutException) {
      return AiErrorType.TIMEOUT;
    }
    if (t instanceof CancellationException || t instanceof InterruptedException
        || t instanceof ClosedByInterruptException) {
      return AiErrorType.CANCELLED;
    }
    if (t instanceof ConnectException || t instanceof UnknownHostException
        || t instanceof NoRouteToHostException || t instanceof SSLException) {
      return AiErrorType.NETWORK;
    }
    return byName(t.getClass());
  }

  private static AiErrorType weak(Throwable t) {
    if (t instanceof InterruptedIOException) {
      // OkHttp and others signal call timeouts with a bare InterruptedIOException("timeout").
      return AiErrorType.TIMEOUT;
    }
    if (t instanceof SocketException || t instanceof IOException) {
      return AiErrorType.NETWORK;
    }
    if (t instanceof IllegalArgumentException) {
      return AiErrorType.INVALID_REQUEST;
    }
    return null;
  }

  static AiErrorType byStatus(int status) {
    if (status == 408 || status == 504) {
      return AiErrorType.TIMEOUT;
    }
    if (status == 429) {
      return AiErrorType.RATE_LIMIT;
    }
    if (status == 401 || status == 403 || status == 407) {
      return AiErrorType.AUTHENTICATION;
    }
    if (status >= 400 && status < 500) {
      return AiErrorType.INVALID_REQUEST;
    }
    if (status >= 500 && status < 600) {
      return AiErrorType.PROVIDER_ERROR;
    }
    return null;
  }

  /**
   * The public, non-static, no-argument {@code int}/{@code Integer} status accessors a class declares,
   * found once per class: looking them up for every error threw a {@code NoSuchMethodException} per
   * name and class, which made a storm of provider failures expensive.
   */
  private static final ClassValue<Method[]> STATUS_ACCESSORS = new ClassValue<>() {
    @Override
    protected Method[] computeValue(Class<?> c) {
      if (!Modifier.isPublic(c.getModifiers())) {
        return new Method[0];
      }
      List<Method> found = new ArrayList<>();
      for (String name : STATUS_METHODS) {
        try {
          Method m = c.getDeclaredMethod(name);
          Class<?> r = m.getReturnType();
          if (Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers())
              && (r == int.class || r == Integer.class)) {
            found.add(m);
          }
        } catch (NoSuchMethodException | SecurityException | LinkageError e) {
          // not this name
        }
      }
      return found.toArray(new Method[0]);
    }
  };

  /** An HTTP status carried by the exception, or -1. Reflection runs only on the error path. */
  static int httpStatus(Throwable t) {
    for (Class<?> c = t.getClass(); c != null && c != Throwable.class; c = c.getSuperclass()) {
      for (Method m : STATUS_ACCESSORS.get(c)) {
        try {
          Object value = m.invoke(t);
          if (value instanceof Integer) {
            int status = (Integer) value;
            if (status >= 100 && status < 600) {
              return status;
            }
          }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
          // An accessor that fails tells us nothing; classification goes on without it.
        }
      }
    }
    return -1;
  }

  private static AiErrorType byName(Class<?> type) {
    for (Class<?> c = type; c != null && c != Throwable.class; c = c.getSuperclass()) {
      String n = c.getSimpleName().toLowerCase(Locale.ROOT);
      if (n.contains("timeout") || n.contains("timedout")) {
        return AiErrorType.TIMEOUT;
      }
      if (n.contains("ratelimit") || n.contains("toomanyrequests") || n.contains("throttl")
          || n.contains("quotaexceeded") || n.contains("resourceexhausted")) {
        return AiErrorType.RATE_LIMIT;
      }
      if (n.contains("unauthorized") || n.contains("unauthenticated") || n.contains("authentication")
          || n.contains("forbidden") || n.contains("permissiondenied") || n.contains("accessdenied")) {
        return AiErrorType.AUTHENTICATION;
      }
      if (n.contains("badrequest") || n.contains("invalidrequest") || n.contains("unprocessable")
          || n.contains("notfound")) {
        return AiErrorType.INVALID_REQUEST;
      }
      if (n.contains("serviceunavailable") || n.contains("internalserver") || n.contains("servererror")
          || n.contains("overloaded") || n.contains("badgateway")) {
        return AiErrorType.PROVIDER_ERROR;
      }
      if (n.contains("cancel")) {
        return AiErrorType.CANCELLED;
      }
    }
    return null;
  }
}
