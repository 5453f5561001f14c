package com.englog.observability.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.englog.observability.metrics.EnglogMetrics;
import com.englog.observability.metrics.LabelValues;
import com.englog.observability.metrics.Metrics;
import com.englog.observability.tracing.Tracing;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.MappingMatch;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The filter against a bare chain, in-process: what needs a million requests or an exception's identity,
 * and the rules of its parts (buckets, correlation ids, path patterns, trusted proxies, query redaction).
 */
class FilterInProcessTest {

  @Test
  void aMillionDistinctRawPathsAddNoSeries() throws Exception {
    EnglogMetrics metrics = Harness.newMetrics();
    ObservabilityFilter filter = ObservabilityFilter.builder().metrics(metrics).tracing(Tracing.noop())
        .accessLog(false).build();
    FilterChain ok = (req, res) -> {};
    FilterChain missing = (req, res) -> ((HttpServletResponse) res).setStatus(404);
    for (int i = 0; i < 1_000_000; i++) {
      String path = "/u/" + i;
      filter.doFilter(request("GET", path, MappingMatch.DEFAULT, "/"), response(),
          i % 2 == 0 ? ok : missing);
    }
    assertThat(Harness.requestSeries(metrics)).extracting(l -> l.get("endpoint"))
        .containsExactlyInAnyOrder(LabelValues.UNMATCHED, LabelValues.NOT_FOUND);
    assertThat(Harness.requests(metrics, "GET", LabelValues.UNMATCHED, 200)).isEqualTo(500_000.0);
    assertThat(Harness.requests(metrics, "GET", LabelValues.NOT_FOUND, 404)).isEqualTo(500_000.0);
  }

  @Test
  void anApplicationExceptionIsRethrownUnchangedAndRecordedAs500() {
    EnglogMetrics metrics = Harness.newMetrics();
    ObservabilityFilter filter = ObservabilityFilter.builder().metrics(metrics).tracing(Tracing.noop())
        .accessLog(false).build();
    IllegalStateException boom = new IllegalStateException("boom");
    assertThatThrownBy(() -> filter.doFilter(request("POST", "/orders", MappingMatch.EXACT, "/orders"),
        response(), (req, res) -> {
          throw boom;
        })).isSameAs(boom);
    IOException io = new IOException("disk");
    assertThatThrownBy(() -> filter.doFilter(request("POST", "/orders", MappingMatch.EXACT, "/orders"),
        response(), (req, res) -> {
          throw io;
        })).isSameAs(io);
    assertThat(Harness.requests(metrics, "POST", "/orders", 500)).isEqualTo(2.0);
  }

  @Test
  void forwardIncludeAndErrorDispatchesPassThroughUncounted() throws Exception {
    EnglogMetrics metrics = Harness.newMetrics();
    ObservabilityFilter filter = ObservabilityFilter.builder().metrics(metrics).tracing(Tracing.noop())
        .accessLog(false).build();
    for (DispatcherType type : List.of(DispatcherType.FORWARD, DispatcherType.INCLUDE, DispatcherType.ERROR)) {
      HttpServletRequest r = request("GET", "/x", MappingMatch.EXACT, "/x");
      ((FakeRequest) Proxy.getInvocationHandler(r)).dispatcherType = type;
      boolean[] ran = {false};
      filter.doFilter(r, response(), (req, res) -> ran[0] = true);
      assertThat(ran[0]).as("%s reaches the chain", type).isTrue();
    }
    assertThat(Harness.requestSeries(metrics)).isEmpty();
  }

  @Test
  void aNoArgFilterFindsItsCollaboratorsInTheContextElseInTheFacades() throws Exception {
    EnglogMetrics fromContext = Harness.newMetrics();
    ObservabilityFilter filter = new ObservabilityFilter();
    filter.init(filterConfig(Map.of(ContextAttributes.METRICS, fromContext, ContextAttributes.TRACING,
        Tracing.noop()), Map.of(ObservabilityFilter.INIT_ACCESS_LOG, "false")));
    filter.doFilter(request("GET", "/a", MappingMatch.EXACT, "/a"), response(), (req, res) -> {});
    assertThat(Harness.requests(fromContext, "GET", "/a", 200)).isEqualTo(1.0);

    ObservabilityFilter fallback = new ObservabilityFilter();
    fallback.init(filterConfig(Map.of(), Map.of(ObservabilityFilter.INIT_ACCESS_LOG, "false",
        ObservabilityFilter.INIT_EXCLUDE, "/skip")));
    double before = Harness.requests(Metrics.get(), "GET", "/facade", 200);
    fallback.doFilter(request("GET", "/facade", MappingMatch.EXACT, "/facade"), response(), (req, res) -> {});
    fallback.doFilter(request("GET", "/skip", MappingMatch.EXACT, "/skip"), response(), (req, res) -> {});
    assertThat(Harness.requests(Metrics.get(), "GET", "/facade", 200)).isEqualTo(before + 1);
    assertThat(Harness.requests(Metrics.get(), "GET", "/skip", 200)).isZero();
  }

  @Test
  void endpointBucketsFollowTheDocumentedOrder() {
    assertThat(Routes.endpoint("GET", 101, "/chat")).isEqualTo(LabelValues.WEBSOCKET);
    assertThat(Routes.endpoint("BREW", 200, "/pot")).isEqualTo(LabelValues.UNKNOWN_METHOD);
    assertThat(Routes.endpoint("GET", 404, "/api/items/{id}")).isEqualTo("/api/items/{id}");
    assertThat(Routes.endpoint("GET", 404, null)).isEqualTo(LabelValues.NOT_FOUND);
    assertThat(Routes.endpoint("GET", 301, null)).isEqualTo(LabelValues.REDIRECTION);
    assertThat(Routes.endpoint("GET", 401, null)).isEqualTo(LabelValues.REJECTED);
    assertThat(Routes.endpoint("GET", 403, null)).isEqualTo(LabelValues.REJECTED);
    assertThat(Routes.endpoint("GET", 200, null)).isEqualTo(LabelValues.UNMATCHED);
  }

  @Test
  void correlationIdsOfAtMost64SafeCharactersAreKept() {
    assertThat(CorrelationIds.isValid("abc-DEF_1.2:3")).isTrue();
    assertThat(CorrelationIds.isValid("x".repeat(64))).isTrue();
    assertThat(CorrelationIds.isValid("x".repeat(65))).isFalse();
    assertThat(CorrelationIds.isValid("")).isFalse();
    assertThat(CorrelationIds.isValid(null)).isFalse();
    assertThat(CorrelationIds.isValid("a b")).isFalse();
    assertThat(CorrelationIds.isValid("a\nb")).isFalse();
    assertThat(CorrelationIds.generate()).matches("[0-9a-f]{32}").isNotEqualTo(CorrelationIds.generate());
  }

  @Test
  void pathPatternsMatchExactPathsAndStarPrefixesAcrossServletPathAndPathInfo() {
    PathPatterns p = PathPatterns.of(ObservabilityFilter.DEFAULT_EXCLUSIONS);
    assertThat(p.matches("/metrics", null)).isTrue();
    assertThat(p.matches("/metrics", "/x")).isFalse();
    assertThat(p.matches("/health", "/live")).isTrue();
    assertThat(p.matches("", "/healthz")).isTrue();
    assertThat(p.matches("/api", "/health")).isFalse();
    assertThatThrownBy(() -> PathPatterns.of(List.of("/a/*/b"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PathPatterns.of(List.of("metrics"))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void forwardedForIsBelievedOnlyThroughTrustedProxies() {
    ClientAddresses trusting = ClientAddresses.trusting(List.of("10.0.0.0/8", "2001:db8::/32"));
    assertThat(trusting.clientAddress(request("10.1.2.3", Map.of("X-Forwarded-For", "6.6.6.6, 203.0.113.9"))))
        .isEqualTo("203.0.113.9");
    assertThat(trusting.clientAddress(request("10.1.2.3", Map.of("X-Forwarded-For", "203.0.113.9, 10.9.9.9"))))
        .isEqualTo("203.0.113.9");
    assertThat(trusting.clientAddress(request("192.0.2.1", Map.of("X-Forwarded-For", "203.0.113.9"))))
        .isEqualTo("192.0.2.1");
    assertThat(trusting.clientAddress(request("10.1.2.3", Map.of("X-Forwarded-For", "evil.example"))))
        .isEqualTo("10.1.2.3");
    assertThat(trusting.clientAddress(request("10.1.2.3", Map.of("Forwarded", "for=192.0.2.60;proto=https"))))
        .isEqualTo("192.0.2.60");
    assertThatThrownBy(() -> ClientAddresses.trusting(List.of("proxy.internal")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void queryStringsAreRedactedByParameterName() {
    assertThat(AccessLog.redactQuery("a=1&token=xyz&Password=p&page=2"))
        .isEqualTo("a=1&token=[REDACTED]&Password=[REDACTED]&page=2");
    assertThat(AccessLog.redactQuery("flag&api_key=k")).isEqualTo("flag&api_key=[REDACTED]");
  }

  // ---------------------------------------------------------------- fakes

  static HttpServletRequest request(String method, String path, MappingMatch match, String pattern) {
    FakeRequest h = new FakeRequest();
    h.method = method;
    h.path = path;
    h.mapping = new HttpServletMapping() {
      @Override
      public String getMatchValue() {
        return path;
      }

      @Override
      public String getPattern() {
        return pattern;
      }

      @Override
      public String getServletName() {
        return "s";
      }

      @Override
      public MappingMatch getMappingMatch() {
        return match;
      }
    };
    return (HttpServletRequest) Proxy.newProxyInstance(FilterInProcessTest.class.getClassLoader(),
        new Class<?>[] {HttpServletRequest.class}, h);
  }

  static HttpServletRequest request(String remoteAddr, Map<String, String> headers) {
    HttpServletRequest r = request("GET", "/", MappingMatch.EXACT, "/");
    FakeRequest h = (FakeRequest) Proxy.getInvocationHandler(r);
    h.remoteAddr = remoteAddr;
    h.headers.putAll(headers);
    return r;
  }

  static HttpServletResponse response() {
    return (HttpServletResponse) Proxy.newProxyInstance(FilterInProcessTest.class.getClassLoader(),
        new Class<?>[] {HttpServletResponse.class}, new FakeResponse());
  }

  static FilterConfig filterConfig(Map<String, Object> attributes, Map<String, String> params) {
    ServletContext context = (ServletContext) Proxy.newProxyInstance(FilterInProcessTest.class.getClassLoader(),
        new Class<?>[] {ServletContext.class}, (proxy, m, args) ->
            m.getName().equals("getAttribute") ? attributes.get((String) args[0]) : null);
    return new FilterConfig() {
      @Override
      public String getFilterName() {
        return "englog";
      }

      @Override
      public ServletContext getServletContext() {
        return context;
      }

      @Override
      public String getInitParameter(String name) {
        return params.get(name);
      }

      @Override
      public java.util.Enumeration<String> getInitParameterNames() {
        return Collections.enumeration(params.keySet());
      }
    };
  }

  /** What an unscripted method of a fake answers: false, 0 or null. */
  static Object zero(Class<?> type) {
    if (type == boolean.class) {
      return Boolean.FALSE;
    }
    if (type == int.class) {
      return 0;
    }
    if (type == long.class) {
      return 0L;
    }
    return null;
  }

  /** Just enough of a request for the filter: method, path, mapping, headers, attributes. */
  static final class FakeRequest implements java.lang.reflect.InvocationHandler {
    String method;
    String path;
    HttpServletMapping mapping;
    String remoteAddr = "127.0.0.1";
    DispatcherType dispatcherType = DispatcherType.REQUEST;
    final Map<String, String> headers = new HashMap<>();
    final Map<String, Object> attributes = new HashMap<>();

    @Override
    public Object invoke(Object proxy, java.lang.reflect.Method m, Object[] args) {
      switch (m.getName()) {
        case "getMethod":
          return method;
        case "getRequestURI":
        case "getServletPath":
          return path;
        case "getHttpServletMapping":
          return mapping;
        case "getDispatcherType":
          return dispatcherType;
        case "getRemoteAddr":
          return remoteAddr;
        case "getScheme":
          return "http";
        case "getProtocol":
          return "HTTP/1.1";
        case "getServerName":
          return "localhost";
        case "getServerPort":
          return 8080;
        case "getHeader":
          return headers.get((String) args[0]);
        case "getHeaders": {
          String v = headers.get((String) args[0]);
          return Collections.enumeration(v == null ? List.of() : List.of(v));
        }
        case "getHeaderNames":
          return Collections.enumeration(headers.keySet());
        case "getAttribute":
          return attributes.get((String) args[0]);
        case "setAttribute":
          attributes.put((String) args[0], args[1]);
          return null;
        case "removeAttribute":
          attributes.remove((String) args[0]);
          return null;
        case "isAsyncStarted":
          return false;
        case "hashCode":
          return System.identityHashCode(proxy);
        case "equals":
          return proxy == args[0];
        default:
          return zero(m.getReturnType());
      }
    }
  }

  /** A response that keeps its status and headers. */
  static final class FakeResponse implements java.lang.reflect.InvocationHandler {
    int status = 200;
    final Map<String, String> headers = new HashMap<>();

    @Override
    public Object invoke(Object proxy, java.lang.reflect.Method m, Object[] args) {
      switch (m.getName()) {
        case "getStatus":
          return status;
        case "setStatus":
          status = (Integer) args[0];
          return null;
        case "setHeader":
          headers.put((String) args[0], (String) args[1]);
          return null;
        case "getHeader":
          return headers.get((String) args[0]);
        case "hashCode":
          return System.identityHashCode(proxy);
        case "equals":
          return proxy == args[0];
        default:
          return zero(m.getReturnType());
      }
    }
  }
}
