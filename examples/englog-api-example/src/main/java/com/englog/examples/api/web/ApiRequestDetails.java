package com.englog.examples.api.web;

import com.englog.observability.metrics.AuthFailureReason;
import com.englog.observability.servlet.RequestDetails;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * What the observability filter asks once a request is done: who made it, in which session, and why
 * authentication failed. The {@link Router} leaves the answers in request attributes; the filter puts
 * user and session on the span and the access log line, and the failure reason into
 * {@code englog_security_authentication_failures_total}.
 */
public final class ApiRequestDetails implements RequestDetails {

  static final String USER_ATTRIBUTE = User.class.getName();
  static final String AUTH_FAILURE_ATTRIBUTE = AuthFailureReason.class.getName();
  /** The {@code auth_method} label of failed authentications. */
  static final String AUTH_METHOD = "bearer";

  private final Sessions sessions;

  public ApiRequestDetails(Sessions sessions) {
    this.sessions = sessions;
  }

  @Override
  public String userId(HttpServletRequest request) {
    Object user = request.getAttribute(USER_ATTRIBUTE);
    return user instanceof User ? ((User) user).id() : null;
  }

  @Override
  public String sessionId(HttpServletRequest request) {
    String userId = userId(request);
    String session = request.getHeader(Sessions.HEADER);
    // Only a session of this user: anything else a client sends is not ours to log.
    return userId == null || session == null ? null : sessions.find(session, userId).orElse(null);
  }

  @Override
  public String authMethod(HttpServletRequest request, HttpServletResponse response) {
    return AUTH_METHOD;
  }

  @Override
  public AuthFailureReason authFailureReason(HttpServletRequest request, HttpServletResponse response) {
    Object reason = request.getAttribute(AUTH_FAILURE_ATTRIBUTE);
    return reason instanceof AuthFailureReason ? (AuthFailureReason) reason : null;
  }
}
