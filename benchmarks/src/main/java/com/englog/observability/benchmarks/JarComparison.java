package com.englog.observability.benchmarks;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark methods of one benchmark class from several builds of this module, compared in one JVM on
 * a machine shared with other work, where JMH's wall-clock figures of separate runs move with the
 * load of the moment. Each benchmarks jar gets its own class loader (its own EngLog and competitor
 * classes); the run is a number of rounds, each timing every method of every jar for a short slice in
 * rotating order by the thread's CPU time, so a change in load hits every build alike and time spent
 * waiting for a core does not count. Methods are called through method handles (a few nanoseconds
 * each, the same for every jar), so the figures suit comparing builds, not quoting absolute speeds.
 *
 * <p>Prints, per jar, the median CPU nanoseconds per call of each method and, per round, the ratio of
 * the first method's throughput to each other's (median); then the first method's throughput in each
 * jar relative to the first jar.
 *
 * <pre>{@code
 * java -Xms1g -Xmx1g -XX:+AlwaysPreTouch -cp benchmarks/target/benchmarks.jar \
 *     com.englog.observability.benchmarks.JarComparison LogEncoderBenchmark shape=plain \
 *     englog,logstash,logbackJson,englogRedactionOff 12 150 \
 *     before=/tmp/before/benchmarks.jar after=benchmarks/target/benchmarks.jar
 * }</pre>
 *
 * <p>Arguments: the class (in this package), its {@code @Param} field as {@code name=value} or
 * {@code -}, the methods, the number of measured rounds (three more warm up first), the slice in
 * milliseconds, and {@code name=jar} pairs. {@code @Setup} and {@code @TearDown} methods run once.
 */
public final class JarComparison {

  private static final int WARMUP_ROUNDS = 3;

  private JarComparison() {}

  /** See the class comment for the arguments. */
  public static void main(String[] args) throws Throwable {
    if (args.length < 6) {
      System.err.println("usage: JarComparison CLASS PARAM=VALUE|- METHOD,... ROUNDS SLICE_MS NAME=JAR...");
      System.exit(2);
    }
    String className = JarComparison.class.getPackageName() + "." + args[0];
    String[] methods = args[2].split(",");
    int rounds = Integer.parseInt(args[3]);
    long sliceNanos = Long.parseLong(args[4]) * 1_000_000L;
    List<String> names = new ArrayList<>();
    List<Object> states = new ArrayList<>();
    List<URLClassLoader> loaders = new ArrayList<>();
    List<MethodHandle[]> calls = new ArrayList<>();
    for (int k = 5; k < args.length; k++) {
      String[] nameJar = args[k].split("=", 2);
      URLClassLoader loader = new URLClassLoader(new URL[] {Path.of(nameJar[1]).toUri().toURL()},
          ClassLoader.getPlatformClassLoader());
      Class<?> c = Class.forName(className, true, loader);
      Object state = c.getConstructor().newInstance();
      if (!args[1].equals("-")) {
        String[] param = args[1].split("=", 2);
        c.getField(param[0]).set(state, param[1]);
      }
      runAnnotated(state, "Setup");
      MethodHandle[] handles = new MethodHandle[methods.length];
      for (int m = 0; m < methods.length; m++) {
        handles[m] = MethodHandles.publicLookup().unreflect(c.getMethod(methods[m])).bindTo(state)
            .asType(MethodType.methodType(Object.class));
      }
      loaders.add(loader);
      names.add(nameJar[0]);
      states.add(state);
      calls.add(handles);
    }
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    int jars = states.size();
    int slots = jars * methods.length;
    double[][][] nanosPerCall = new double[jars][methods.length][rounds];
    int[][] batch = new int[jars][methods.length];
    for (int[] b : batch) {
      Arrays.fill(b, 100);
    }
    int nulls = 0;
    for (int round = -WARMUP_ROUNDS; round < rounds; round++) {
      for (int step = 0; step < slots; step++) {
        int slot = Math.floorMod(step + 3 * round, slots); // each round starts elsewhere
        int j = slot % jars;
        int m = slot / jars;
        MethodHandle call = calls.get(j)[m];
        int n = batch[j][m];
        long cpu = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        long done = 0;
        while (System.nanoTime() - start < sliceNanos) {
          for (int i = 0; i < n; i++) {
            if ((Object) call.invokeExact() == null) {
              nulls++;
            }
          }
          done += n;
        }
        cpu = threads.getCurrentThreadCpuTime() - cpu;
        batch[j][m] = (int) Math.max(10, Math.min(1_000_000, done / 50));
        if (round >= 0) {
          nanosPerCall[j][m][round] = (double) cpu / done;
        }
      }
    }
    System.out.printf(Locale.ROOT, "%s %s, %d rounds of %d ms slices, load average at the end %s%s%n",
        args[0], args[1], rounds, sliceNanos / 1_000_000, loadAverage(), nulls > 0 ? " (nulls)" : "");
    for (int j = 0; j < jars; j++) {
      StringBuilder line = new StringBuilder(names.get(j)).append(": CPU ns/call");
      for (int m = 0; m < methods.length; m++) {
        line.append(String.format(Locale.ROOT, " %s %.1f", methods[m], median(nanosPerCall[j][m])));
      }
      for (int m = 1; m < methods.length; m++) {
        double[] ratio = new double[rounds];
        for (int r = 0; r < rounds; r++) {
          ratio[r] = nanosPerCall[j][m][r] / nanosPerCall[j][0][r];
        }
        line.append(String.format(Locale.ROOT, " | %s/%s %.2f", methods[0], methods[m], median(ratio)));
      }
      System.out.println(line);
    }
    for (int j = 1; j < jars; j++) {
      double[] ratio = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        ratio[r] = nanosPerCall[0][0][r] / nanosPerCall[j][0][r];
      }
      System.out.printf(Locale.ROOT, "%s throughput, %s / %s: %.3f%n", methods[0], names.get(j),
          names.get(0), median(ratio));
    }
    for (int j = 0; j < jars; j++) {
      runAnnotated(states.get(j), "TearDown");
      loaders.get(j).close();
    }
  }

  /** Runs the methods of {@code state} annotated with JMH's annotation of that simple name. */
  private static void runAnnotated(Object state, String annotation) throws ReflectiveOperationException {
    for (Method m : state.getClass().getMethods()) {
      for (Annotation a : m.getAnnotations()) {
        if (a.annotationType().getSimpleName().equals(annotation)) {
          m.invoke(state);
        }
      }
    }
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int mid = v.length / 2;
    return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  }
}
