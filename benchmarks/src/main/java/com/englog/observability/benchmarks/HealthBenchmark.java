package com.englog.observability.benchmarks;

import com.englog.observability.common.Secret;
import com.englog.observability.health.Health;
import com.englog.observability.health.HealthAccess;
import com.englog.observability.health.HealthCheckContext;
import com.englog.observability.health.HealthHandler;
import com.englog.observability.health.HealthIndicator;
import com.englog.observability.health.HealthRegistry;
import com.englog.observability.health.HealthRequest;
import com.englog.observability.health.HealthResponse;
import com.englog.observability.health.Status;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Health, in process. {@code cached*}: the handler answering from cached results (what a probe or
 * load balancer hits), anonymous (status only) and authorised (full report). {@code evaluate*}: five
 * indicators with known latencies (10, 20, 30, 40, 50 ms) checked fresh each time; ours runs them
 * concurrently (target: at most the slowest + 10 ms), beside the sequential evaluation that Spring
 * Boot Actuator and Dropwizard's {@code runHealthChecks()} do (sum of the latencies, 150 ms).
 */
@State(Scope.Benchmark)
public class HealthBenchmark {

  private static final HealthRequest ANONYMOUS = HealthRequest.of("GET", "/health/ready", h -> null);
  private static final HealthRequest AUTHORISED =
      HealthRequest.of("GET", "/health/ready", h -> "Bearer bench-token");
  private static final List<Long> LATENCIES_MS = List.of(10L, 20L, 30L, 40L, 50L);

  private HealthRegistry cachedRegistry;
  private HealthHandler handler;
  private HealthRegistry freshRegistry;
  private List<HealthIndicator> sleepers;

  @Setup(Level.Trial)
  public void setUp() {
    Quiet.logging();
    cachedRegistry = HealthRegistry.builder().backgroundRefresh(Duration.ZERO)
        .defaults(o -> o.refreshAfter(Duration.ofHours(1)).maxAge(Duration.ofHours(2)))
        .add("db", c -> Health.up().detail("database", "PostgreSQL 15.8").build())
        .add("redis", c -> Health.up().build())
        .add("ai", c -> Health.down("HTTP 503").build(), o -> o.nonCritical())
        .build();
    handler = HealthHandler.builder(cachedRegistry)
        .access(HealthAccess.bearerToken(Secret.of("bench-token")))
        .build();
    handler.handle(AUTHORISED);

    HealthRegistry.Builder fresh = HealthRegistry.builder().backgroundRefresh(Duration.ZERO);
    sleepers = new java.util.ArrayList<>();
    for (long ms : LATENCIES_MS) {
      HealthIndicator sleeper = c -> sleep(ms);
      sleepers.add(sleeper);
      fresh.add("dep" + ms, sleeper, o -> o.noCache().deadline(Duration.ofSeconds(5)));
    }
    freshRegistry = fresh.build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    cachedRegistry.close();
    freshRegistry.close();
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public int cachedAnonymous() {
    HealthResponse r = handler.handle(ANONYMOUS);
    return r.statusCode() + r.bodyLength();
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public int cachedAuthorised() {
    HealthResponse r = handler.handle(AUTHORISED);
    return r.statusCode() + r.bodyLength();
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public Status evaluateConcurrently() {
    return freshRegistry.status();
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public Status evaluateSequentiallyLikeActuator() throws Exception {
    Status worst = Status.UP;
    for (HealthIndicator i : sleepers) {
      Status s = i.check(NO_CONTEXT).status();
      worst = s.ordinal() > worst.ordinal() ? s : worst;
    }
    return worst;
  }

  private static Health sleep(long ms) throws InterruptedException {
    Thread.sleep(ms);
    return Health.up().build();
  }

  private static final HealthCheckContext NO_CONTEXT = new HealthCheckContext() {
    @Override
    public String component() {
      return "sequential";
    }

    @Override
    public Duration deadline() {
      return Duration.ofSeconds(5);
    }

    @Override
    public Duration remaining() {
      return Duration.ofSeconds(5);
    }

    @Override
    public void onAbort(AutoCloseable hook) {}
  };
}
