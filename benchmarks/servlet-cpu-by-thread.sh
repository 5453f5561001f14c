#!/usr/bin/env bash
# Where a variant of servlet-loopback.sh spends the server's CPU, by thread, at a fixed request rate:
# starts the OTLP sink and HelloJettyServer as servlet-loopback.sh does (server on $SERVER_CPU, clients on
# $CLIENT_CPU), warms up with wrk at saturation, then reads /proc before and after $DURATION s of
# `hey` at $RATE req/s and prints per request: CPU µs (all threads, and without the JIT compiler
# threads, which a loaded machine keeps busy long after the warm-up), write and read system calls, and
# voluntary context switches (wake-ups); then the same by thread name. Counts of system calls and
# wake-ups hardly depend on other load on the machine; CPU time does more. RATE=max measures at
# saturation instead (wrk, as servlet-loopback.sh), where the threads of a variant compete for one core.
# Also prints the spans per request the OTLP sink received (1.00 at sampling 1.0: none dropped).
#
# Usage: benchmarks/servlet-cpu-by-thread.sh bare|englog|agent
# Environment: RATE=3000|max SAMPLING=1.0 WARMUP=40 DURATION=20 HEY_CONNECTIONS=32 SERVER_CPU=0 CLIENT_CPU=1
#              PORT=18090 SINK_PORT=14328
#              JAR=benchmarks/target/benchmarks.jar OUT=benchmarks/results/servlet-cpu-by-thread/<variant>
set -uo pipefail
cd "$(dirname "$0")/.."
VARIANT=${1:?bare, englog or agent}
RATE=${RATE:-3000}
SAMPLING=${SAMPLING:-1.0}
WARMUP=${WARMUP:-40}
DURATION=${DURATION:-20}
HEY_CONNECTIONS=${HEY_CONNECTIONS:-32}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
PORT=${PORT:-18090}
SINK_PORT=${SINK_PORT:-14328}
JAR=${JAR:-benchmarks/target/benchmarks.jar}
AGENT=benchmarks/target/opentelemetry-javaagent.jar
OUT=${OUT:-benchmarks/results/servlet-cpu-by-thread/$VARIANT}
URL=http://127.0.0.1:$PORT/hello
for tool in wrk hey taskset curl python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }
done
mkdir -p "$OUT"
rm -rf "$OUT/logs"
SERVER_PID=
SINK_PID=
trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; [ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null' EXIT

taskset -c "$CLIENT_CPU" java -Xms256m -Xmx256m -cp "$JAR" com.englog.observability.benchmarks.OtlpSink "$SINK_PORT" \
  > "$OUT/sink.txt" 2>&1 &
SINK_PID=$!
for _ in $(seq 1 300); do
  curl -fsS -o /dev/null "http://127.0.0.1:$SINK_PORT/stats" 2>/dev/null && break
  sleep 0.1
done
mode=$VARIANT
extra=()
if [ "$VARIANT" = agent ]; then
  mode=bare
  extra=(-javaagent:"$AGENT")
fi
taskset -c "$SERVER_CPU" env OTEL_SERVICE_NAME=hello OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$SINK_PORT" \
  OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf OTEL_METRICS_EXPORTER=none OTEL_LOGS_EXPORTER=none \
  OTEL_TRACES_SAMPLER=parentbased_traceidratio OTEL_TRACES_SAMPLER_ARG="$SAMPLING" \
  ENGLOG_LOGGING_DIR="$OUT/logs" ENGLOG_LOGGING_MAX_FILE_SIZE=4GB \
  java -Xms1g -Xmx1g -XX:+AlwaysPreTouch -XX:+UseSerialGC -Dlogback.configurationFile=benchmarks/servlet-loopback-logback.xml \
  "${extra[@]}" -cp "$JAR" com.englog.observability.benchmarks.HelloJettyServer "$mode" "$PORT" > "$OUT/server.txt" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 1200); do
  curl -fsS -o /dev/null "$URL" 2>/dev/null && break
  sleep 0.1
done
taskset -c "$CLIENT_CPU" wrk -t1 -c8 -d"${WARMUP}s" "$URL" > "$OUT/warmup.txt"

snapshot() { # per thread: tid name cpu-ticks voluntary-switches; then the process's write and read calls
  for t in /proc/"$SERVER_PID"/task/*; do
    name=$(tr ' ' '_' < "$t/comm" 2>/dev/null) || continue
    stat=($(sed 's/^.*) //' "$t/stat" 2>/dev/null))
    [ ${#stat[@]} -gt 12 ] || continue
    switches=$(awk '/^voluntary_ctxt_switches/ {print $2}' "$t/status" 2>/dev/null)
    [ -n "$switches" ] || continue
    echo "$(basename "$t") $name $((stat[11] + stat[12])) $switches"
  done
  echo "io $(awk '/^syscw/ {print $2}' /proc/"$SERVER_PID"/io) $(awk '/^syscr/ {print $2}' /proc/"$SERVER_PID"/io)"
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" > "$OUT/load.txt"
curl -fsS "http://127.0.0.1:$SINK_PORT/stats" > "$OUT/sink-before.txt"
snapshot > "$OUT/before.txt"
if [ "$RATE" = max ]; then
  taskset -c "$CLIENT_CPU" wrk -t1 -c8 -d"${DURATION}s" "$URL" > "$OUT/load.out"
else
  taskset -c "$CLIENT_CPU" hey -z "${DURATION}s" -c "$HEY_CONNECTIONS" \
    -q "$(awk -v r="$RATE" -v c="$HEY_CONNECTIONS" 'BEGIN {printf "%.3f", r / c}')" "$URL" \
    > "$OUT/load.out"
fi
snapshot > "$OUT/after.txt"
sleep 6 # one batch delay: the spans of the last requests reach the sink
curl -fsS "http://127.0.0.1:$SINK_PORT/stats" > "$OUT/sink-after.txt"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/load.txt"
python3 - "$OUT" "$(getconf CLK_TCK)" <<'PY'
import collections, re, sys
out, hz = sys.argv[1], int(sys.argv[2])
def read(name):
    threads, io = {}, None
    for line in open(f"{out}/{name}"):
        p = line.split()
        if p[0] == "io":
            io = (int(p[1]), int(p[2]))
        else:
            threads[p[0]] = (p[1], int(p[2]), int(p[3]))
    return threads, io
before, io0 = read("before.txt")
after, io1 = read("after.txt")
load = open(f"{out}/load.out").read()
if "requests in" in load:  # wrk
    n = int(re.search(r"(\d+) requests in", load).group(1))
    secs = float(re.search(r"requests in ([\d.]+)s", load).group(1))
else:  # hey
    n = sum(int(x) for x in re.findall(r"\[200\]\s+(\d+) responses", load))
    secs = float(re.search(r"Total:\s+([\d.]+) secs", load).group(1))
spans = int(open(f"{out}/sink-after.txt").read().split()[2]) - int(open(f"{out}/sink-before.txt").read().split()[2])
groups = collections.defaultdict(lambda: [0, 0])
for tid, (name, ticks, switches) in after.items():
    _, t0, s0 = before.get(tid, (name, 0, 0))
    g = groups[re.sub(r"\d+", "N", name)]
    g[0] += ticks - t0
    g[1] += switches - s0
us = lambda ticks: ticks * 1e6 / hz / n
total = sum(g[0] for g in groups.values())
jit = sum(g[0] for k, g in groups.items() if "Compiler" in k)
print(open(f"{out}/load.txt").read().strip())
print(f"{n} requests at {n / secs:.0f} req/s; "
      f"per request: CPU {us(total):.1f} us ({us(total - jit):.1f} us without JIT threads), "
      f"{(io1[0] - io0[0]) / n:.2f} write and {(io1[1] - io0[1]) / n:.2f} read system calls, "
      f"{sum(g[1] for g in groups.values()) / n:.2f} wake-ups, {spans / n:.2f} spans delivered")
for name, (ticks, switches) in sorted(groups.items(), key=lambda kv: -kv[1][0]):
    if ticks or switches:
        print(f"  {name:32s} CPU {us(ticks):6.1f} us/request   wake-ups {switches / n:5.2f}/request")
PY
