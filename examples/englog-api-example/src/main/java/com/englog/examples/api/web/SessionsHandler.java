package com.englog.examples.api.web;

import com.englog.examples.api.Funnel;
import com.englog.observability.logging.StructuredLogger;
import com.englog.observability.metrics.Metrics;
import java.io.IOException;
import java.util.Map;

/** {@code POST /api/sessions}: signs the caller in; the first step of the funnel. */
public final class SessionsHandler {

  private static final StructuredLogger LOG = StructuredLogger.of(SessionsHandler.class);

  private final Sessions sessions;
  private final Funnel funnel;

  public SessionsHandler(Sessions sessions, Funnel funnel) {
    this.sessions = sessions;
    this.funnel = funnel;
  }

  public void start(ApiCall call) throws IOException {
    String sessionId = sessions.start(call.user().id());
    Metrics.recordUserSession(ApiRequestDetails.AUTH_METHOD);
    funnel.reached(Funnel.Step.SIGN_IN);
    LOG.logBusinessEvent("sign_in", call.user().id(), Map.of("auth_method", ApiRequestDetails.AUTH_METHOD));
    call.respond(200, Map.of("sessionId", sessionId));
  }
}
