package com.englog.examples.api.admin;

import com.englog.examples.api.web.ApiCall;
import com.englog.examples.api.web.ApiException;
import com.englog.observability.logging.StructuredLogger;
import com.englog.observability.metrics.Metrics;
import java.io.IOException;
import java.util.Map;

/** {@code GET} and {@code PUT /api/admin/faults}: read and set the error burst (role admin). */
public final class FaultsHandler {

  private static final StructuredLogger LOG = StructuredLogger.of(FaultsHandler.class);

  private final Faults faults;

  public FaultsHandler(Faults faults) {
    this.faults = faults;
  }

  /** The body of {@code PUT}: {@code {"errorRate": 0.5}}. */
  record Setting(Double errorRate) {}

  public void show(ApiCall call) throws IOException {
    call.respond(200, Map.of("errorRate", faults.errorRate()));
  }

  public void update(ApiCall call) throws IOException, ApiException {
    Setting setting = call.body(Setting.class);
    if (setting.errorRate() == null || !(setting.errorRate() >= 0.0 && setting.errorRate() <= 1.0)) {
      throw new ApiException(400, "errorRate must be a number from 0.0 to 1.0");
    }
    faults.errorRate(setting.errorRate());
    // Who changed a production-affecting switch is an audit event, counted and logged.
    Metrics.recordAuditEvent("faults_update", true);
    LOG.logBusinessEvent("faults_updated", call.user().id(), Map.of("error_rate", setting.errorRate()));
    call.respond(200, Map.of("errorRate", faults.errorRate()));
  }
}
