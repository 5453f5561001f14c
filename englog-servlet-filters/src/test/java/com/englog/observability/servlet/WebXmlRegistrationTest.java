package com.englog.observability.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.health.Health;
import com.englog.observability.health.HealthRegistry;
import com.englog.observability.metrics.EnglogMetrics;
import com.englog.observability.metrics.ScrapeEndpoint;
import com.englog.observability.testsupport.ReceivedSpan;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The filter and both servlets registered from a {@code web.xml} that a real container (Jetty 12's ee10
 * {@code WebAppContext}) reads: no-arg instances finding their collaborators through the {@link
 * ContextAttributes} a {@code <listener>} sets, the filter first, the servlets async-supported.
 */
class WebXmlRegistrationTest {

  /** The web.xml docs/servlet.md shows, verbatim ({@code ServletDocsTest} checks). */
  static final String DOCS_WEB_XML = """
      <listener>
        <listener-class>com.example.ObservabilitySetup</listener-class>
      </listener>

      <!-- The first filter mapped in web.xml is the first in the chain: put this one before all others. -->
      <filter>
        <filter-name>englog-observability</filter-name>
        <filter-class>com.englog.observability.servlet.ObservabilityFilter</filter-class>
        <async-supported>true</async-supported>
      </filter>
      <filter-mapping>
        <filter-name>englog-observability</filter-name>
        <url-pattern>/*</url-pattern>
        <dispatcher>REQUEST</dispatcher>
        <dispatcher>ASYNC</dispatcher>
      </filter-mapping>

      <servlet>
        <servlet-name>englog-metrics</servlet-name>
        <servlet-class>com.englog.observability.servlet.MetricsServlet</servlet-class>
        <init-param>
          <param-name>token-file</param-name>
          <param-value>/run/secrets/metrics-token</param-value>
        </init-param>
        <!-- Initialised at deployment: a missing token setting fails it, not the first scrape. -->
        <load-on-startup>1</load-on-startup>
        <async-supported>true</async-supported>
      </servlet>
      <servlet-mapping>
        <servlet-name>englog-metrics</servlet-name>
        <url-pattern>/metrics</url-pattern>
      </servlet-mapping>

      <servlet>
        <servlet-name>englog-health</servlet-name>
        <servlet-class>com.englog.observability.servlet.HealthServlet</servlet-class>
        <async-supported>true</async-supported>
      </servlet>
      <servlet-mapping>
        <servlet-name>englog-health</servlet-name>
        <url-pattern>/health</url-pattern>
        <url-pattern>/health/*</url-pattern>
      </servlet-mapping>""";

  /** The docs' registration in a web.xml with the test's listener class and an application servlet. */
  static final String WEB_XML = """
      <?xml version="1.0" encoding="UTF-8"?>
      <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
      """
      + DOCS_WEB_XML.replace("com.example.ObservabilitySetup", WebXmlApp.Setup.class.getName())
      + """

        <servlet>
          <servlet-name>hello</servlet-name>
          <servlet-class>com.englog.observability.servlet.WebXmlApp$Hello</servlet-class>
        </servlet>
        <servlet-mapping>
          <servlet-name>hello</servlet-name>
          <url-pattern>/hello</url-pattern>
        </servlet-mapping>
      </web-app>
      """;

  @Test
  void aWebXmlRegistersFilterAndServletsThatFindTheirCollaborators(@TempDir Path webapp) throws Exception {
    Files.createDirectories(webapp.resolve("WEB-INF"));
    Files.writeString(webapp.resolve("WEB-INF/web.xml"), WEB_XML);
    try (EnglogMetrics metrics = EnglogMetrics.builder().jvmMetrics(false).build();
        HealthRegistry health = HealthRegistry.builder().meterRegistry(metrics.registry())
            .backgroundRefresh(Duration.ZERO).add("db", context -> Health.up().build()).build()) {
      WebXmlApp.metrics = metrics;
      WebXmlApp.tracing = Harness.TRACING;
      WebXmlApp.health = health;
      Server server = new Server();
      ServerConnector connector = new ServerConnector(server);
      connector.setHost("127.0.0.1");
      connector.setPort(0);
      server.addConnector(connector);
      WebAppContext context = new WebAppContext(webapp.toString(), "/");
      context.setParentLoaderPriority(true);
      context.setThrowUnavailableOnStartupException(true);
      server.setHandler(context);
      // The property wins over the init parameter, whose file does not exist here.
      Path token = Files.writeString(webapp.resolve("metrics-token"), "web-xml-token");
      System.setProperty(ScrapeEndpoint.TOKEN_FILE_PROPERTY, token.toString());
      try {
        server.start();
      } finally {
        System.clearProperty(ScrapeEndpoint.TOKEN_FILE_PROPERTY);
      }
      try {
        String base = "http://127.0.0.1:" + connector.getLocalPort();
        HttpResponse<String> hello = get(base + "/hello");
        HttpResponse<String> ready = get(base + "/health/ready");
        HttpResponse<String> unauthorized = get(base + "/metrics");
        HttpResponse<String> scrape = Harness.send(Harness.HTTP1, HttpRequest.newBuilder(URI.create(
            base + "/metrics")).timeout(Harness.WAIT), "Authorization", "Bearer web-xml-token");

        assertThat(hello.statusCode()).isEqualTo(200);
        assertThat(hello.body()).isEqualTo("hello");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("\"UP\"");
        assertThat(unauthorized.statusCode()).isEqualTo(401);
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.body()).contains("englog_http_requests_total{endpoint=\"/hello\",method=\"GET\","
            + "status_code=\"200\"} 1.0").contains("englog_health_status{");
        assertThat(Harness.requests(metrics, "GET", "/hello", 200)).isEqualTo(1);
        assertThat(Harness.requestSeries(metrics)).extracting(s -> s.get("endpoint")).containsOnly("/hello");
        ReceivedSpan span = Harness.serverSpan(Harness.traceId(hello));
        assertThat(span.name()).isEqualTo("GET /hello");
      } finally {
        server.stop();
      }
    }
  }

  private static HttpResponse<String> get(String uri) {
    return Harness.send(Harness.HTTP1, HttpRequest.newBuilder(URI.create(uri)).timeout(Harness.WAIT));
  }
}
