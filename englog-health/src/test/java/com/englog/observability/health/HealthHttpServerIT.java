package com.englog.observability.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.englog.observability.testsupport.Hiccups;
import com.englog.observability.testsupport.PostgresServer;
import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariDataSource;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bound {@link HealthHttpServer} promises, against a real PostgreSQL with every process stopped
 * ({@code SIGSTOP}): with a 500 ms deadline, {@code noCache()} and 8 concurrent readiness clients, no
 * readiness probe waits longer than the deadline + 100 ms and {@code /health/live} answers in under
 * 100 ms, with a one-thread executor as with the default pool, and also while other clients hold
 * connections with half a request.
 *
 * <p>The bound is judged by {@link ResponseTimes} (every answer within it, except 1 % that a loaded
 * 2-core CI machine may delay, those still within 1 s more) on the server's own measurement: from the
 * moment the server saw a request's first bytes, before any thread read it, to the moment its answer
 * was written, less the time the machine did not run the test's threads at all ({@link Hiccups}); so
 * waiting for a request thread or behind a check counts, and the scheduling of eight client threads
 * on a busy machine does not. The clients' own times must stay within the deadline + 1 s, which a probe
 * held by a stalled client or queued behind checks exceeds. Each test has its own pool and registry,
 * made before the freeze.
 *
 * <p>The setup documented before {@code HealthHttpServer}, a {@link HealthHttpHandler} in a JDK
 * server on a pool of two threads, breaks the bound: under this load its probes queue behind each
 * other's checks (readiness and liveness up to ~1.5 s), and two stalled clients hold every probe,
 * which the last test shows the clients' measurement catches.
 */
class HealthHttpServerIT {

  private static final Duration DEADLINE = Duration.ofMillis(500);
  private static final int CLIENTS = 8;
  private static final int PROBES_PER_CLIENT = 25;
  /**
   * Pause of a readiness client between probes: answered at once while a timed-out check still holds
   * its slot, 200 probes would all fall within one such second; paced, they keep meeting new checks
   * that run into their deadline.
   */
  private static final long READINESS_PAUSE_MS = 100;
  private static final long LIVENESS_PERIOD_MS = 10;
  private static final int MIN_LIVENESS_PROBES = 300;
  private static final String UP = "{\"status\":\"UP\"}";
  private static final String DOWN = "{\"status\":\"DOWN\"}";
  /** Long enough for any answer of a bounded server; ResponseTimes judges the times. */
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);
  /** Connections that send part of a request and then nothing: more than any pool size tried here. */
  private static final int STALLED = 16;

  private static final int TESTS = 3;

  private static PostgresServer pg;
  private static final List<HikariDataSource> POOLS = new ArrayList<>();
  private static final List<HealthRegistry> REGISTRIES = new ArrayList<>();
  private static final List<HealthHandler> HANDLERS = new ArrayList<>();

  @BeforeAll
  static void freezePostgres() throws Exception {
    pg = PostgresServer.start();
    for (int i = 0; i < TESTS; i++) {
      HikariDataSource pool = FrozenDependencyIT.hikari(pg);
      POOLS.add(pool);
      HealthRegistry registry = HealthRegistry.builder().backgroundRefresh(Duration.ZERO)
          .add("db", JdbcHealthIndicator.of(pool), o -> o.deadline(DEADLINE).noCache().withoutCircuitBreaker())
          .build();
      REGISTRIES.add(registry);
      HANDLERS.add(HealthHandler.builder(registry).build());
      // The first checks also start the pool; every pooled connection exists before the freeze.
      await().atMost(Duration.ofSeconds(30)).until(() -> registry.status("db") == Status.UP);
      await().atMost(Duration.ofSeconds(30)).until(() -> pool.getHikariPoolMXBean().getTotalConnections() == 3);
    }
    pg.freeze();
    FrozenDependencyIT.assertFrozen(pg, FrozenDependencyIT.PG_SSL_REQUEST);
  }

  @AfterAll
  static void thawPostgres() {
    REGISTRIES.forEach(HealthRegistry::close);
    POOLS.forEach(HikariDataSource::close);
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void probesStayWithinTheDeadlineOnTheDefaultPool() {
    try (ServerTimes times = new ServerTimes();
        HealthHttpServer server = start(HealthHttpServer.builder(HANDLERS.get(0)), times)) {
      Probes probes = probe(server.uri(), PROBES_PER_CLIENT, CLIENT_TIMEOUT, times::start);

      times.assertWithinTheBound(probes);
    }
  }

  @Test
  void probesStayWithinTheDeadlineOnAOneThreadExecutorWhileClientsStallHalfwayThroughARequest()
      throws Exception {
    ExecutorService oneThread = Executors.newSingleThreadExecutor();
    List<Socket> stalled = new ArrayList<>();
    try (ServerTimes times = new ServerTimes();
        HealthHttpServer server = start(HealthHttpServer.builder(HANDLERS.get(1)).executor(oneThread)
            .requestTimeout(Duration.ofSeconds(60)), times)) {
      for (int i = 0; i < STALLED; i++) {
        // Half a request line and headers, or complete headers announcing a body that never comes.
        stalled.add(stall(server.port(), i % 2 == 0 ? "GET /health/ready HTTP/1.1\r\nHost: x\r\n"
            : "GET /health/ready HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"partial\""));
      }
      Probes probes = probe(server.uri(), PROBES_PER_CLIENT, CLIENT_TIMEOUT, times::start);

      times.assertWithinTheBound(probes);
      assertThat(server.timedOutRequests()).as("stalled clients were still connected throughout").isZero();
    } finally {
      for (Socket s : stalled) {
        s.close();
      }
      oneThread.shutdownNow();
    }
  }

  @Test
  void onAServerOfTwoThreadsWithHealthHttpHandlerTwoStalledClientsHoldEveryProbe() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/health", new HealthHttpHandler(HANDLERS.get(2)));
    ExecutorService twoThreads = Executors.newFixedThreadPool(2);
    server.setExecutor(twoThreads);
    server.start();
    List<Socket> stalled = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        stalled.add(stall(server.getAddress().getPort(), "GET /health/ready HTTP/1.1\r\nHost: x\r\n"));
      }
      URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/health");

      // The measurement gives up on a probe at the deadline + 1 s, the most ResponseTimes allows.
      assertThatThrownBy(() -> probe(base, 1, DEADLINE.plusMillis(ResponseTimes.STALL_MS), () -> { }))
          .as("probes of an unbounded server whose threads two stalled clients hold")
          .isInstanceOf(AssertionError.class).hasRootCauseInstanceOf(SocketTimeoutException.class);
    } finally {
      for (Socket s : stalled) {
        s.close();
      }
      server.stop(0);
      twoThreads.shutdownNow();
    }
  }

  private static HealthHttpServer start(HealthHttpServer.Builder builder, ServerTimes times) {
    return builder.host("127.0.0.1").port(0).answered(times::answered).start();
  }

  private static Socket stall(int port, String partialRequest) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    socket.getOutputStream().write(partialRequest.getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    return socket;
  }

  /**
   * {@value #CLIENTS} clients each sending {@code probesPerClient} readiness probes one after the
   * other, {@value #READINESS_PAUSE_MS} ms apart, while one more probes liveness every {@value #LIVENESS_PERIOD_MS} ms; every answer must be
   * the frozen database's (503 DOWN) or liveness' (200 UP). Each client is one thread on one
   * keep-alive connection, as a kubelet probes, so that little but the server stands between the
   * request and its answer; its first request is not measured.
   */
  private static Probes probe(URI base, int probesPerClient, Duration clientTimeout, Runnable measuring) {
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS + 1);
    List<Long> readiness = Collections.synchronizedList(new ArrayList<>());
    List<Long> liveness = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean done = new AtomicBoolean();
    CountDownLatch start = new CountDownLatch(1);
    Semaphore warmedUp = new Semaphore(0);
    String ready = base.getPath() + "/ready";
    String live = base.getPath() + "/live";
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        running.add(clients.submit(() -> {
          try (Client client = new Client(base, clientTimeout)) {
            client.get(ready, 503, DOWN);
            warmedUp.release();
            start.await();
            for (int i = 0; i < probesPerClient; i++) {
              readiness.add(client.get(ready, 503, DOWN));
              Thread.sleep(READINESS_PAUSE_MS);
            }
          }
          return null;
        }));
      }
      Future<?> livenessClient = clients.submit(() -> {
        // (Submitted last: the readiness clients have sent their unmeasured first request by now.)
        try (Client client = new Client(base, clientTimeout)) {
          client.get(live, 200, UP);
          warmedUp.release();
          start.await();
          while (!done.get() || liveness.size() < MIN_LIVENESS_PROBES) {
            liveness.add(client.get(live, 200, UP));
            Thread.sleep(LIVENESS_PERIOD_MS);
          }
        }
        return null;
      });
      while (!warmedUp.tryAcquire(CLIENTS + 1, 100, TimeUnit.MILLISECONDS)) {
        for (Future<?> f : running) {
          if (f.isDone()) {
            f.get();                                         // a client that failed throws here
          }
        }
        if (livenessClient.isDone()) {
          livenessClient.get();
        }
      }
      measuring.run();
      start.countDown();
      for (Future<?> f : running) {
        f.get(5, TimeUnit.MINUTES);
      }
      done.set(true);
      livenessClient.get(1, TimeUnit.MINUTES);
      Probes probes = new Probes(CLIENTS * probesPerClient, new ArrayList<>(readiness), new ArrayList<>(liveness));
      System.out.println(base + ": " + probes);
      return probes;
    } catch (Exception e) {
      throw new AssertionError("probing " + base + " failed", e);
    } finally {
      clients.shutdownNow();
    }
  }

  /** One HTTP/1.1 keep-alive connection, used by one thread. */
  private static final class Client implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    Client(URI base, Duration timeout) throws IOException {
      socket = new Socket();
      socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5000);
      socket.setSoTimeout((int) timeout.toMillis());
      socket.setTcpNoDelay(true);
      in = new BufferedInputStream(socket.getInputStream());
      out = socket.getOutputStream();
    }

    /** GETs {@code path} and returns the time to the last byte of the answer, in ms. */
    long get(String path, int expectedStatus, String expectedBody) throws IOException {
      long start = System.nanoTime();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String statusLine = line();
      int length = 0;
      for (String header = line(); !header.isEmpty(); header = line()) {
        if (header.regionMatches(true, 0, "Content-Length:", 0, 15)) {
          length = Integer.parseInt(header.substring(15).strip());
        }
      }
      String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertThat(statusLine).as("GET %s: %s", path, body).startsWith("HTTP/1.1 " + expectedStatus + " ");
      assertThat(body).isEqualTo(expectedBody);
      return ms;
    }

    private String line() throws IOException {
      StringBuilder line = new StringBuilder();
      for (int b = in.read(); b != '\n'; b = in.read()) {
        if (b < 0) {
          throw new EOFException("connection closed by the server");
        }
        if (b != '\r') {
          line.append((char) b);
        }
      }
      return line.toString();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /**
   * The server-side times (ms) of the measured probes of one run, by path, less the time the machine
   * did not run this JVM's threads meanwhile (see {@link Hiccups}).
   */
  private static final class ServerTimes implements AutoCloseable {
    private final List<Long> readiness = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> liveness = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> raw = Collections.synchronizedList(new ArrayList<>());
    private final List<long[]> answers = Collections.synchronizedList(new ArrayList<>());
    private final Hiccups hiccups = new Hiccups();
    private volatile boolean measuring;

    void start() {
      measuring = true;
    }

    void answered(String path, long nanos) {
      if (measuring) {
        long end = System.nanoTime();
        answers.add(new long[] {path.endsWith("/live") ? 1 : 0, end - nanos, end});
      }
    }

    void assertWithinTheBound(Probes probes) {
      probes.assertAnswered();
      hiccups.close();
      synchronized (answers) {
        for (long[] a : answers) {
          long ms = (a[2] - a[1]) / 1_000_000;
          long excused = hiccups.within(a[1], a[2]) / 1_000_000;
          (a[0] == 1 ? liveness : readiness).add(Math.max(0, ms - excused));
          raw.add(ms);
        }
      }
      List<Long> r = new ArrayList<>(readiness);
      List<Long> l = new ArrayList<>(liveness);
      System.out.println("server-side, less stalls of the machine: readiness max "
          + r.stream().mapToLong(Long::longValue).max().orElse(-1) + " ms, liveness max "
          + l.stream().mapToLong(Long::longValue).max().orElse(-1) + " ms; as measured: max "
          + raw.stream().mapToLong(Long::longValue).max().orElse(-1) + " ms; stalls " + hiccups);
      assertThat(r).as("readiness answers measured by the server").hasSizeGreaterThanOrEqualTo(probes.expected);
      assertThat(l).as("liveness answers measured by the server").hasSizeGreaterThanOrEqualTo(MIN_LIVENESS_PROBES);
      ResponseTimes.assertWithinDeadline(r, DEADLINE.toMillis());
      assertThat(r).as("readiness probes that waited for a check running into its deadline: without "
          + "some, the run proves nothing about waiting").filteredOn(t -> t >= DEADLINE.toMillis() - 100)
          .hasSizeGreaterThanOrEqualTo(2);
      // Liveness runs no check: its bound is the 100 ms alone.
      ResponseTimes.assertWithinDeadline(l, 0);
    }

    @Override
    public void close() {
      hiccups.close();
    }
  }

  /** The client-side times (ms) of one run. */
  private static final class Probes {
    final int expected;
    final List<Long> readiness;
    final List<Long> liveness;

    Probes(int expected, List<Long> readiness, List<Long> liveness) {
      this.expected = expected;
      this.readiness = readiness;
      this.liveness = liveness;
    }

    /** Every probe answered, none later than the deadline + 1 s as its client saw it. */
    void assertAnswered() {
      assertThat(readiness).hasSize(expected);
      assertThat(liveness).hasSizeGreaterThanOrEqualTo(MIN_LIVENESS_PROBES);
      long stall = DEADLINE.toMillis() + ResponseTimes.STALL_MS;
      assertThat(readiness).as("readiness as the clients saw it; %s", this).allMatch(t -> t <= stall);
      assertThat(liveness).as("liveness as its client saw it; %s", this).allMatch(t -> t <= ResponseTimes.STALL_MS);
    }

    @Override
    public String toString() {
      List<Long> r = new ArrayList<>(readiness);
      List<Long> l = new ArrayList<>(liveness);
      r.sort(null);
      l.sort(null);
      return "readiness (ms, sorted) " + r + ", liveness (ms, sorted) " + l;
    }
  }
}
