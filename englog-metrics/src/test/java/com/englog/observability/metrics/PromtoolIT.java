package com.englog.observability.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.testsupport.Exposition;
import com.englog.observability.testsupport.Promtool;
import com.englog.observability.testsupport.ToolRun;
import org.junit.jupiter.api.Test;

/** {@code promtool check metrics} (Prometheus 2.42) accepts everything this module exposes. */
class PromtoolIT {

  @Test
  void promtoolAcceptsTheFullExposition() throws InterruptedException {
    try (EnglogMetrics m = Everything.record(EnglogMetrics.builder().userIdLabel(true).build())) {
      m.counter("englog_exports").help("Journal exports, by format.").labelNames("format").register()
          .increment("pdf");
      m.timer("englog_export_render_seconds").help("Export render time.").register()
          .record(java.time.Duration.ofMillis(5));
      m.gauge("englog_worker_queue_depth").help("Jobs waiting.").registerFunction(() -> 3);
      String body = Everything.scrapeAfterGc(m, null);
      assertThat(body).contains("jvm_gc_pause_seconds_count", "englog_business_journals_created_total",
          "process_cpu_seconds_total", "system_cpu_available_processors");

      ToolRun run = Promtool.checkMetrics(body);

      assertThat(run.exitCode()).as(run.describe()).isZero();
      assertThat(run.stdout() + run.stderr()).as(run.describe()).isBlank();
    }
  }

  @Test
  void promtoolWouldHaveRejectedTheStockNamesWeReplaced() {
    // Guards the reason for the renames: if promtool stopped flagging these, the renames could go.
    ToolRun run = Promtool.checkMetrics("# HELP system_cpu_count c\n# TYPE system_cpu_count gauge\n"
        + "system_cpu_count 2\n# HELP process_cpu_time_ns_total t\n# TYPE process_cpu_time_ns_total "
        + "counter\nprocess_cpu_time_ns_total 1\n");
    assertThat(run.stdout() + run.stderr())
        .contains("system_cpu_count", "process_cpu_time_ns_total");
  }
}
