package com.englog.examples.api.web;

import com.fasterxml.jackson.core.JacksonException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/** One request to a route: the caller, the path parameters, and JSON in and out. */
public final class ApiCall {

  static final int MAX_BODY_BYTES = 64 * 1024;

  private final HttpServletRequest request;
  private final HttpServletResponse response;
  private final User user;
  private final Map<String, String> pathParameters;

  ApiCall(HttpServletRequest request, HttpServletResponse response, User user,
      Map<String, String> pathParameters) {
    this.request = request;
    this.response = response;
    this.user = user;
    this.pathParameters = pathParameters;
  }

  /** The authenticated caller. */
  public User user() {
    return user;
  }

  /** The value of {@code {name}} in the route template. */
  public String pathParameter(String name) {
    String value = pathParameters.get(name);
    if (value == null) {
      throw new IllegalStateException("route has no parameter {" + name + "}");
    }
    return value;
  }

  /** A request header. */
  public Optional<String> header(String name) {
    return Optional.ofNullable(request.getHeader(name));
  }

  /** The JSON body as {@code type}; 400 when it is missing, too large or not that shape. */
  public <T> T body(Class<T> type) throws IOException, ApiException {
    if (request.getContentLengthLong() > MAX_BODY_BYTES) {
      throw new ApiException(413, "body larger than " + MAX_BODY_BYTES + " bytes");
    }
    byte[] bytes = request.getInputStream().readNBytes(MAX_BODY_BYTES + 1);
    if (bytes.length > MAX_BODY_BYTES) {
      throw new ApiException(413, "body larger than " + MAX_BODY_BYTES + " bytes");
    }
    if (bytes.length == 0) {
      throw new ApiException(400, "a JSON body is required");
    }
    try {
      return Json.MAPPER.readValue(bytes, type);
    } catch (JacksonException e) {
      throw new ApiException(400, "malformed JSON body");
    }
  }

  /** Answers {@code status} with {@code body} as JSON. */
  public void respond(int status, Object body) throws IOException {
    write(response, status, body);
  }

  /** Sets a response header (before {@link #respond}). */
  public void responseHeader(String name, String value) {
    response.setHeader(name, value);
  }

  static void write(HttpServletResponse response, int status, Object body) throws IOException {
    response.setStatus(status);
    response.setContentType("application/json");
    response.setCharacterEncoding("UTF-8");
    Json.MAPPER.writeValue(response.getOutputStream(), body);
  }
}
