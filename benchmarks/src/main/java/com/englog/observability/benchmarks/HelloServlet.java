package com.englog.observability.benchmarks;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The application of the servlet benchmarks: writes a short fixed body, nothing else. */
public final class HelloServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;
  private static final byte[] BODY = "Hello, world!\n".getBytes(StandardCharsets.US_ASCII);

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
    response.setStatus(HttpServletResponse.SC_OK);
    response.setContentType("text/plain;charset=US-ASCII");
    response.setContentLength(BODY.length);
    response.getOutputStream().write(BODY);
  }
}
