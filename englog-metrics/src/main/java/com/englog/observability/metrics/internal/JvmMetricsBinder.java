package com.englog.observability.metrics.internal;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmHeapPressureMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.DiskSpaceMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Not public API.
 *
 * <p>Binds Micrometer's standard JVM, process and system binders, so dashboards find the usual
 * {@code jvm_*}, {@code process_*} and {@code system_*} names, and replaces the three meters whose
 * Prometheus names {@code promtool check metrics} rejects:
 *
 * <ul>
 *   <li>{@code system_cpu_count} (a gauge ending in {@code _count}) becomes
 *       {@code system_cpu_available_processors};
 *   <li>{@code process_cpu_time_ns_total} (abbreviated unit) becomes {@code process_cpu_seconds_total};
 *   <li>{@code jvm_compilation_time_ms_total} (abbreviated unit) becomes
 *       {@code jvm_compilation_time_seconds_total};
 *   <li>{@code jvm_gc_cpu_time_ns_total}, which newer JDKs add, is removed.
 * </ul>
 */
public final class JvmMetricsBinder implements AutoCloseable {

  private final List<AutoCloseable> closeables;

  private JvmMetricsBinder(List<AutoCloseable> closeables) {
    this.closeables = closeables;
  }

  /** Binds everything to {@code registry}; {@link #close()} stops the GC notification listeners. */
  public static JvmMetricsBinder bind(MeterRegistry registry, List<Path> diskSpacePaths) {
    List<AutoCloseable> closeables = new ArrayList<>();
    new JvmMemoryMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    closeables.add(gc);
    JvmHeapPressureMetrics pressure = new JvmHeapPressureMetrics();
    pressure.bindTo(registry);
    closeables.add(pressure);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmInfoMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    for (Path path : diskSpacePaths) {
      new DiskSpaceMetrics(path.toAbsolutePath().normalize().toFile()).bindTo(registry);
    }
    remove(registry, "system.cpu.count");
    remove(registry, "process.cpu.time");
    remove(registry, "jvm.gc.cpu.time");

    Gauge.builder("system_cpu_available_processors", Runtime.getRuntime(), Runtime::availableProcessors)
        .description("The number of processors available to the Java virtual machine (replaces "
            + "system_cpu_count, which promtool rejects)")
        .register(registry);

    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean
        && ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() >= 0) {
      FunctionCounter.builder("process_cpu_seconds", (com.sun.management.OperatingSystemMXBean) os,
              b -> Math.max(0, b.getProcessCpuTime()) / 1e9)
          .description("Total user and system CPU time spent by the Java Virtual Machine process in "
              + "seconds.")
          .register(registry);
    }

    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    if (jit != null && jit.isCompilationTimeMonitoringSupported()) {
      FunctionCounter.builder("jvm_compilation_time_seconds", jit,
              b -> b.getTotalCompilationTime() / 1e3)
          .tag("compiler", jit.getName())
          .description("Approximate accumulated elapsed time spent in JIT compilation, in seconds.")
          .register(registry);
    }
    return new JvmMetricsBinder(closeables);
  }

  private static void remove(MeterRegistry registry, String name) {
    for (Meter m : registry.find(name).meters()) {
      registry.remove(m);
    }
  }

  @Override
  public void close() {
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception e) {
        // Closing only unregisters JMX listeners; a failure leaves nothing for the caller to do.
      }
    }
  }
}
