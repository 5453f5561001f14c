package com.englog.observability.servlet;

import com.englog.observability.metrics.AuthFailureReason;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

/**
 * What only the service knows about a request, asked by {@link ObservabilityFilter} once the chain has
 * run (so authentication has happened): the user and session, for the span and the access log (never a
 * metric label), and why authentication failed, for {@code englog_security_authentication_failures_total}.
 * Every method has a default that knows nothing; implement the ones you can answer. Methods must be cheap
 * and must not throw (a throwing hook is treated as knowing nothing).
 *
 * <pre>{@code
 * RequestDetails details = new RequestDetails() {
 *   public String userId(HttpServletRequest request) {
 *     return request.getUserPrincipal() == null ? null : request.getUserPrincipal().getName();
 *   }
 *   public String authMethod(HttpServletRequest request, HttpServletResponse response) {
 *     return "jwt";
 *   }
 *   public AuthFailureReason authFailureReason(HttpServletRequest request, HttpServletResponse response) {
 *     return (AuthFailureReason) request.getAttribute("auth.failure");
 *   }
 * };
 * ObservabilityFilter filter = ObservabilityFilter.builder().requestDetails(details)
 *     .userPseudonymKey(Secret.fromEnv("ENGLOG_USER_PSEUDONYM_KEY")).build();
 * }</pre>
 */
public interface RequestDetails {

  /** Knows nothing: no user, no session, authentication method and reason {@code other}. */
  RequestDetails NONE = new RequestDetails() {};

  /**
   * The user the request ran for, or null when anonymous. It reaches the span as {@code
   * enduser.pseudo.id} (an HMAC keyed by the service's pseudonym key) and, only when the service opts
   * in, as {@code enduser.id}; the access log and the MDC carry the same value as the span.
   */
  default @Nullable String userId(HttpServletRequest request) {
    return null;
  }

  /**
   * The session, or null. It goes on the span as {@code session.id} and into the access log as {@code
   * session_id} as given: return an opaque id or an HMAC, never the session cookie itself.
   */
  default @Nullable String sessionId(HttpServletRequest request) {
    return null;
  }

  /** For a 401 answer: the authentication method tried ({@code password}, {@code jwt}, …), or null. */
  default @Nullable String authMethod(HttpServletRequest request, HttpServletResponse response) {
    return null;
  }

  /** For a 401 answer: why authentication failed, or null ({@code other}). */
  default @Nullable AuthFailureReason authFailureReason(HttpServletRequest request,
      HttpServletResponse response) {
    return null;
  }
}
