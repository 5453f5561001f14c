package com.englog.examples.api.web;

import com.englog.examples.api.admin.Faults;
import com.englog.examples.api.journals.DatabaseUnavailableException;
import com.englog.observability.metrics.AuthFailureReason;
import com.englog.observability.servlet.ObservabilityFilter;
import com.englog.observability.tracing.Spans;
import io.opentelemetry.api.trace.Span;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's front servlet: finds the route of a request, tells the observability filter its template,
 * authenticates the bearer token, checks the role, and turns exceptions into JSON answers.
 *
 * <p>The template goes into the request attribute {@link ObservabilityFilter#ROUTE_ATTRIBUTE}, the
 * documented way for a router to name the route: the filter reads it when the request is done, for the
 * {@code endpoint} label and the span name. So every answer of a known route, 401 and 403 included, is
 * counted under its template; an unknown path is counted under the fixed {@code NOT_FOUND} bucket.
 */
public final class Router extends HttpServlet {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(Router.class);
  private static final String BEARER = "Bearer ";

  private final transient List<Route> routes;
  private final transient Users users;
  private final transient Faults faults;
  private final transient Consumer<User> whenAuthenticated;

  private Router(List<Route> routes, Users users, Faults faults, Consumer<User> whenAuthenticated) {
    this.routes = List.copyOf(routes);
    this.users = users;
    this.faults = faults;
    this.whenAuthenticated = whenAuthenticated;
  }

  /** A router authenticating against {@code users}, injecting {@code faults} where routes allow it. */
  public static Builder builder(Users users, Faults faults) {
    return new Builder(users, faults);
  }

  /** Every route template, for declaring the {@code endpoint} label values up front. */
  public List<String> templates() {
    return routes.stream().map(Route::template).distinct().collect(Collectors.toList());
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
    String path = request.getServletPath() + (request.getPathInfo() != null ? request.getPathInfo() : "");
    List<Route> forPath = routes.stream().filter(r -> r.match(path).isPresent()).collect(Collectors.toList());
    if (forPath.isEmpty()) {
      error(request, response, 404, "no such endpoint"); // no template: the filter counts it under NOT_FOUND
      return;
    }
    // Tell the filter which route this is before anything can fail: 401, 403 and 405 count under it too.
    request.setAttribute(ObservabilityFilter.ROUTE_ATTRIBUTE, forPath.get(0).template());
    Optional<Route> route = forPath.stream().filter(r -> r.method().equals(request.getMethod())).findFirst();
    if (route.isEmpty()) {
      response.setHeader("Allow", forPath.stream().map(Route::method).collect(Collectors.joining(", ")));
      error(request, response, 405, "method not allowed");
      return;
    }
    dispatch(route.get(), route.get().match(path).orElseThrow(), request, response);
  }

  /** Authenticates, authorizes, injects the error burst, runs the handler, and answers its failures. */
  private void dispatch(Route route, Map<String, String> parameters, HttpServletRequest request,
      HttpServletResponse response) throws IOException {
    try {
      User user = authenticate(request);
      whenAuthenticated.accept(user);
      if (!user.role().includes(route.role())) {
        throw new ApiException(403, "role " + route.role().name().toLowerCase(Locale.ROOT) + " required");
      }
      if (route.faultInjection() && faults.shouldFail()) {
        throw new ApiException(500, "injected fault (error burst)");
      }
      route.handler().handle(new ApiCall(request, response, user, parameters));
    } catch (ApiException e) {
      error(request, response, e.status(), e.getMessage());
    } catch (DatabaseUnavailableException e) {
      LOG.warn("Database unavailable, answering 503: {}", e.getMessage());
      response.setHeader("Retry-After", "5");
      error(request, response, 503, "database unavailable");
    } catch (Exception e) {
      // The filter's SERVER span is current here: give it the exception, not only the 500.
      Spans.markFailure(Span.current(), e);
      LOG.error("Request failed", e);
      error(request, response, 500, "internal error");
    }
  }

  /** The caller of a {@code Authorization: Bearer} header, or a 401 with the reason for the filter. */
  private User authenticate(HttpServletRequest request) throws ApiException {
    String header = request.getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return reject(request, AuthFailureReason.MISSING_CREDENTIALS, "bearer token required");
    }
    Optional<User> user = users.authenticate(header.substring(BEARER.length()).strip());
    if (user.isEmpty()) {
      return reject(request, AuthFailureReason.INVALID_TOKEN, "unknown token");
    }
    request.setAttribute(ApiRequestDetails.USER_ATTRIBUTE, user.get());
    return user.get();
  }

  private static User reject(HttpServletRequest request, AuthFailureReason reason, String message)
      throws ApiException {
    request.setAttribute(ApiRequestDetails.AUTH_FAILURE_ATTRIBUTE, reason);
    throw new ApiException(401, message);
  }

  private static void error(HttpServletRequest request, HttpServletResponse response, int status, String message)
      throws IOException {
    if (response.isCommitted()) {
      return; // the handler already answered; the filter still sees the failure in its span and metrics
    }
    discardUnreadBody(request, response);
    if (status == 401) {
      response.setHeader("WWW-Authenticate", "Bearer");
    }
    ApiCall.write(response, status, Map.of("error", message));
  }

  /**
   * Reads what is left of the request body before an error answers it (a 401 or 403 is decided before
   * the body is read), so the container never has to guess what to do with unread bytes on a keep-alive
   * connection; closing it would make a client that reuses it see a dropped connection, not an answer.
   */
  private static void discardUnreadBody(HttpServletRequest request, HttpServletResponse response) {
    try {
      InputStream body = request.getInputStream();
      if (body.readNBytes(ApiCall.MAX_BODY_BYTES + 1).length > ApiCall.MAX_BODY_BYTES) {
        response.setHeader("Connection", "close"); // too much to read for an error: end the connection
      }
    } catch (IOException | IllegalStateException e) {
      response.setHeader("Connection", "close");
    }
  }

  /** Collects the routes. */
  public static final class Builder {
    private final Users users;
    private final Faults faults;
    private final List<Route> routes = new ArrayList<>();
    private Consumer<User> whenAuthenticated = user -> { };

    private Builder(Users users, Faults faults) {
      this.users = users;
      this.faults = faults;
    }

    /** A route that needs {@code role}. */
    public Builder route(String method, String template, Role role, Handler handler) {
      routes.add(new Route(method, template, role, false, handler));
      return this;
    }

    /** A route that needs {@code role} and answers 500 during an error burst ({@link Faults}). */
    public Builder routeWithFaults(String method, String template, Role role, Handler handler) {
      routes.add(new Route(method, template, role, true, handler));
      return this;
    }

    /** Told about every authenticated request, on its thread, before the handler runs; must be quick. */
    public Builder whenAuthenticated(Consumer<User> listener) {
      this.whenAuthenticated = listener;
      return this;
    }

    public Router build() {
      return new Router(routes, users, faults, whenAuthenticated);
    }
  }
}
