package com.englog.observability.servlet;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** A servlet whose every method runs one lambda: the suite's applications are a line each. */
final class Scripted extends HttpServlet {
  private static final long serialVersionUID = 1L;

  /** What the servlet does for any method. */
  @FunctionalInterface
  interface Body {
    void handle(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException;
  }

  private final transient Body body;

  Scripted(Body body) {
    this.body = body;
  }

  static Scripted text(String text) {
    return new Scripted((req, resp) -> {
      resp.setContentType("text/plain");
      resp.getWriter().print(text);
    });
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
    body.handle(req, resp);
  }
}
