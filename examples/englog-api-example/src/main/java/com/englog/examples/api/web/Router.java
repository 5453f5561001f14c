package com.englog.examples.api.web;

import com.englog.examples.api.admin.Faults;
import com.englog.examples.api.journals.DatabaseUnavailableException;
import com.englog.observability.metrics.AuthFailureReason;
import com.englog.observability.servlet.ObservabilityFilter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

  private Router(List<Route> routes, Users users, Faults faults) {
    this.routes = List.copyOf(routes);
    this.users = users;
    this.faults = faults;
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
    List<Route> sameTemplate = new ArrayList<>();
    Route route = null;
    Map<String, String> parameters = Map.of();
    for (Route candidate : routes) {
      Optional<Map<String, String>> match = candidate.match(path);
      if (match.isPresent()) {
        sameTemplate.add(candidate);
        if (candidate.method().equals(request.getMethod())) {
          route = candidate;
          parameters = match.get();
        }
      }
    }
    if (sameTemplate.isEmpty()) {
      error(response, 404, "no such endpoint");
      return;
    }
    request.setAttribute(ObservabilityFilter.ROUTE_ATTRIBUTE, sameTemplate.get(0).template());
    if (route == null) {
      response.setHeader("Allow", sameTemplate.stream().map(Route::method).collect(Collectors.joining(", ")));
      error(response, 405, "method not allowed");
      return;
    }
    try {
      User user = authenticate(request);
      if (!user.role().includes(route.role())) {
        throw new ApiException(403, "role " + route.role().name().toLowerCase(java.util.Locale.ROOT) + " required");
      }
      if (route.faultInjection() && faults.shouldFail()) {
        throw new ApiException(500, "injected fault (error burst)");
      }
      route.handler().handle(new ApiCall(request, response, user, parameters));
    } catch (ApiException e) {
      error(response, e.status(), e.getMessage());
    } catch (DatabaseUnavailableException e) {
      LOG.warn("Database unavailable, answering 503: {}", e.getMessage());
      response.setHeader("Retry-After", "5");
      error(response, 503, "database unavailable");
    } catch (Exception e) {
      LOG.error("Request failed", e);
      error(response, 500, "internal error");
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

  private static void error(HttpServletResponse response, int status, String message) throws IOException {
    if (response.isCommitted()) {
      return; // the handler already answered; the filter still sees the failure in its span and metrics
    }
    if (status == 401) {
      response.setHeader("WWW-Authenticate", "Bearer");
    }
    ApiCall.write(response, status, Map.of("error", message));
  }

  /** Collects the routes. */
  public static final class Builder {
    private final Users users;
    private final Faults faults;
    private final List<Route> routes = new ArrayList<>();

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

    public Router build() {
      return new Router(routes, users, faults);
    }
  }
}
