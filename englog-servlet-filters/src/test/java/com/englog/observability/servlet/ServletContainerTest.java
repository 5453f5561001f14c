package com.englog.observability.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The fixture the behaviour suite stands on: each container really serves, filters, speaks h2c, runs virtual. */
class ServletContainerTest {

  private static final HttpClient HTTP1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final HttpClient HTTP2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();

  @ParameterizedTest
  @EnumSource(ServletContainer.Kind.class)
  void setupRegistersAFilterAndAServletThatAnswerOverLoopback(ServletContainer.Kind kind) throws Exception {
    try (ServletContainer.Running c = kind.start(ServletContainer.Options.defaults(), ctx -> {
      ctx.addServlet("hello", new ThreadServlet()).addMapping("/hello/*");
      Filter tag = (req, res, chain) -> {
        ((HttpServletResponse) res).setHeader("X-Filtered", "yes");
        chain.doFilter(req, res);
      };
      ctx.addFilter("tag", tag).addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
    })) {
      HttpResponse<String> r = HTTP1.send(HttpRequest.newBuilder(c.uri("/hello/x")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("X-Filtered")).contains("yes");
      assertThat(r.body()).startsWith("HTTP/1.1 /hello/*");
      assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    }
  }

  @ParameterizedTest
  @EnumSource(ServletContainer.Kind.class)
  void h2cUpgradeIsServed(ServletContainer.Kind kind) throws Exception {
    try (ServletContainer.Running c = kind.start(ServletContainer.Options.defaults(),
        ctx -> ctx.addServlet("hello", new ThreadServlet()).addMapping("/hello"))) {
      HttpResponse<String> first = HTTP2.send(HttpRequest.newBuilder(c.uri("/hello")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(first.statusCode()).isEqualTo(200);
      assertThat(first.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(first.body()).startsWith("HTTP/2.0 /hello");
    }
  }

  @ParameterizedTest
  @EnumSource(ServletContainer.Kind.class)
  void virtualThreadOptionServesRequestsOnVirtualThreads(ServletContainer.Kind kind) throws Exception {
    assumeTrue(ServletContainer.virtualThreadsAvailable(), "virtual threads need JDK 21+ (the JDK 25 pass runs this)");
    try (ServletContainer.Running c = kind.start(ServletContainer.Options.defaults().withVirtualThreads(true),
        ctx -> ctx.addServlet("hello", new ThreadServlet()).addMapping("/hello"))) {
      HttpResponse<String> r = HTTP1.send(HttpRequest.newBuilder(c.uri("/hello")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.body()).endsWith("virtual=true");
    }
  }

  /** Answers with protocol, mapping pattern and whether the serving thread is virtual. */
  static final class ThreadServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      resp.setContentType("text/plain");
      resp.getWriter().print(req.getProtocol() + " " + req.getHttpServletMapping().getPattern()
          + " virtual=" + isVirtual(Thread.currentThread()));
    }

    private static boolean isVirtual(Thread thread) {
      try {
        return (Boolean) Thread.class.getMethod("isVirtual").invoke(thread);
      } catch (ReflectiveOperationException e) {
        return false;
      }
    }
  }
}
