#!/usr/bin/env bash
# Servlet filter over loopback HTTP: a hello-world servlet on embedded Jetty 12 (ee10), three variants
# run in turn (bare, englog, agent, bare, englog, agent, ...):
#   bare    the servlet alone
#   englog  behind ObservabilityFilter: SERVER span exported over OTLP http/protobuf to a local sink,
#           metrics on its registry, one JSON access-log line per request to a file (logback)
#   agent   the servlet alone with the OpenTelemetry Java agent attached (traces only, same sink)
# The server runs on one core (taskset -c $SERVER_CPU), wrk, hey and the OTLP sink on the other.
# Per run: start the server, warm up with wrk at saturation ($WARMUP s), measure throughput at saturation
# with wrk ($DURATION s), then latency at a fixed rate of half of the first bare run's throughput with hey
# ($DURATION s). Both traced variants use the sampler parentbased_traceidratio at $SAMPLING (1.0: every
# request; 0.1: the production default); the sink counts the spans each delivers, during the saturation
# window and during the fixed-rate window plus one batch delay. Writes the raw outputs,
# servlet-loopback.csv and servlet-loopback.json to $OUT and prints a table. About 10 minutes with the
# defaults (3 rounds).
#
# Usage: benchmarks/servlet-loopback.sh      (after ./mvnw -B -ntp -q -pl benchmarks -am package -DskipTests)
# hey limits each of its connections to its share of the rate and waits for each answer before the
# next request, so with wrk's 8 connections it delivered only 12,000-18,000 of 26,000 req/s: it runs with
# $HEY_CONNECTIONS (32), and the report checks that every run reached the fixed rate.
#
# Environment: ROUNDS=3 WARMUP=30 DURATION=15 CONNECTIONS=8 HEY_CONNECTIONS=32 SERVER_CPU=0 CLIENT_CPU=1 PORT=18080
#              SINK_PORT=14318 OUT=benchmarks/results/servlet-loopback RATE=<fixed rate, req/s>
#              VARIANTS="bare englog agent" (bare first: the fixed rate is half of its first throughput)
#              SAMPLING=1.0 (ratio of the traced variants' sampler)
#              JAR=benchmarks/target/benchmarks.jar (another build's jar, to compare two versions)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-30}
DURATION=${DURATION:-15}
CONNECTIONS=${CONNECTIONS:-8}
HEY_CONNECTIONS=${HEY_CONNECTIONS:-32}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
PORT=${PORT:-18080}
SINK_PORT=${SINK_PORT:-14318}
OUT=${OUT:-benchmarks/results/servlet-loopback}
RATE=${RATE:-}
VARIANTS=${VARIANTS:-bare englog agent}
SAMPLING=${SAMPLING:-1.0}
JAR=${JAR:-benchmarks/target/benchmarks.jar}
AGENT=benchmarks/target/opentelemetry-javaagent.jar
URL=http://127.0.0.1:$PORT/hello
# One core: the JVM would pick the serial collector by itself; say so, for every variant alike.
JAVA=(java -Xms1g -Xmx1g -XX:+AlwaysPreTouch -XX:+UseSerialGC)
for f in "$JAR" "$AGENT"; do
  [ -f "$f" ] || { echo "missing $f: run ./mvnw -B -ntp -q -pl benchmarks -am package -DskipTests" >&2; exit 1; }
done
for tool in wrk hey taskset curl python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }
done

mkdir -p "$OUT"
rm -f "$OUT"/*.txt
WORK=$(mktemp -d)
SINK_PID=
SERVER_PID=
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  [ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null && wait "$SINK_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

await() { # url seconds
  for _ in $(seq 1 $(($2 * 10))); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing answered at $1 within $2 s" >&2
  return 1
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

taskset -c "$CLIENT_CPU" java -Xms256m -Xmx256m -cp "$JAR" com.englog.observability.benchmarks.OtlpSink "$SINK_PORT" \
  > "$WORK/sink.log" 2>&1 &
SINK_PID=$!
await "http://127.0.0.1:$SINK_PORT/stats" 30

{
  echo "date: $(date -u +%FT%TZ)"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "wrk: $(wrk --version 2>&1 | head -1 | cut -c1-40)"
  echo "agent: $(unzip -p "$AGENT" META-INF/MANIFEST.MF | grep -i '^Implementation-Version' | tr -d '\r')"
  echo "rounds=$ROUNDS warmup=${WARMUP}s duration=${DURATION}s connections=$CONNECTIONS (wrk), $HEY_CONNECTIONS (hey) server_cpu=$SERVER_CPU client_cpu=$CLIENT_CPU"
  echo "sampling: parentbased_traceidratio $SAMPLING (englog and agent)"
} > "$OUT/environment.txt"
cat "$OUT/environment.txt"

run() { # variant round
  local variant=$1 round=$2 name=$1-$2 extra=() mode=bare
  case $variant in
    bare) ;;
    englog) mode=englog ;;
    agent) extra=(-javaagent:"$AGENT") ;;
  esac
  rm -rf "$WORK/logs"
  taskset -c "$SERVER_CPU" env \
    OTEL_SERVICE_NAME=hello \
    OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$SINK_PORT" \
    OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf \
    OTEL_METRICS_EXPORTER=none \
    OTEL_LOGS_EXPORTER=none \
    OTEL_TRACES_SAMPLER=parentbased_traceidratio \
    OTEL_TRACES_SAMPLER_ARG="$SAMPLING" \
    ENGLOG_LOGGING_DIR="$WORK/logs" \
    ENGLOG_LOGGING_MAX_FILE_SIZE=4GB \
    "${JAVA[@]}" -Dlogback.configurationFile=benchmarks/servlet-loopback-logback.xml "${extra[@]}" \
    -cp "$JAR" com.englog.observability.benchmarks.HelloJettyServer "$mode" "$PORT" > "$OUT/server-$name.txt" 2>&1 &
  SERVER_PID=$!
  await "$URL" 120
  taskset -c "$CLIENT_CPU" wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" "$URL" > "$OUT/warmup-$name.txt"
  # Spans exported while wrk measures: at a steady state, what the variant delivers per request.
  local sink_sat0; sink_sat0=$(curl -fsS "http://127.0.0.1:$SINK_PORT/stats")
  taskset -c "$CLIENT_CPU" wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$URL" > "$OUT/wrk-$name.txt"
  local sink_sat1; sink_sat1=$(curl -fsS "http://127.0.0.1:$SINK_PORT/stats")
  if [ -z "$RATE" ]; then
    RATE=$(awk '/^Requests\/sec/ {printf "%d", $2 / 2}' "$OUT/wrk-$name.txt")
    echo "fixed rate for hey: $RATE req/s (half of $name's throughput)" | tee -a "$OUT/environment.txt"
  fi
  local per_worker; per_worker=$(awk -v r="$RATE" -v c="$HEY_CONNECTIONS" 'BEGIN {printf "%.3f", r / c}')
  sleep 6 # one batch delay: what the saturation left queued is exported before the fixed-rate window
  local sink_before; sink_before=$(curl -fsS "http://127.0.0.1:$SINK_PORT/stats")
  local cpu_before; cpu_before=$(cpu_ticks "$SERVER_PID")
  taskset -c "$CLIENT_CPU" hey -z "${DURATION}s" -c "$HEY_CONNECTIONS" -q "$per_worker" "$URL" > "$OUT/hey-$name.txt"
  local cpu_after; cpu_after=$(cpu_ticks "$SERVER_PID")
  sleep 6 # one batch delay (5 s), so the sink has what the run exported
  local sink_after; sink_after=$(curl -fsS "http://127.0.0.1:$SINK_PORT/stats")
  local log_lines=0
  if compgen -G "$WORK/logs/*.json" >/dev/null; then log_lines=$(cat "$WORK"/logs/*.json | wc -l); fi
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
  echo "$variant $round $((cpu_after - cpu_before)) $(getconf CLK_TCK) $sink_sat0 $sink_sat1 $sink_before $sink_after $log_lines" \
    >> "$OUT/runs.txt"
  echo "$name done: $(awk '/^Requests\/sec/ {print $2 " req/s"}' "$OUT/wrk-$name.txt"), hey $(awk '/ 99% in/ {print "p99 " $3 " s"}' "$OUT/hey-$name.txt")"
}

: > "$OUT/runs.txt"
for round in $(seq 1 "$ROUNDS"); do
  for variant in $VARIANTS; do
    run "$variant" "$round"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/environment.txt"
python3 benchmarks/servlet-loopback-report.py "$OUT" "$RATE" "$DURATION"
