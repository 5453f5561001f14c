#!/usr/bin/env bash
# The final benchmark runs recorded in docs/benchmarks.md, one after another on an otherwise idle
# machine. Results (JMH JSON and the health load test's output) go to benchmarks/results/.
# About 65 minutes on 2 cores. Usage: benchmarks/run-final.sh [only-this-step ...]
# Steps: build metrics scrape tracing logging capture health load servlet loopback
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=benchmarks/results
mkdir -p "$OUT"
JAVA=(java -Xms1g -Xmx1g -XX:+AlwaysPreTouch)
JMH=("${JAVA[@]}" -jar benchmarks/target/benchmarks.jar)
STEPS=("$@")
want() { [ ${#STEPS[@]} -eq 0 ] || [[ " ${STEPS[*]} " == *" $1 "* ]]; }

if [ ! -f benchmarks/target/benchmarks.jar ] || want build; then
  ./mvnw -B -ntp -q -pl benchmarks -am package -DskipTests
fi
java -version 2>&1 | head -1 > "$OUT/jvm.txt"
want metrics && "${JMH[@]}" MetricsRecordingBenchmark -f 3 -wi 5 -w 1s -i 10 -r 1s -prof gc -rf json -rff "$OUT/metrics-recording.json"
want scrape && "${JMH[@]}" MetricsScrapeBenchmark -f 3 -wi 5 -w 2s -i 10 -r 2s -prof gc -rf json -rff "$OUT/metrics-scrape.json"
want tracing && "${JMH[@]}" 'TracingHelperBenchmark|PropagationBenchmark' -f 3 -wi 5 -w 1s -i 10 -r 1s -prof gc -rf json -rff "$OUT/tracing.json"
want logging && "${JMH[@]}" LogEncoderBenchmark -prof gc -rf json -rff "$OUT/logging-encoders.json"
want capture && "${JMH[@]}" TraceCaptureBenchmark -prof gc -rf json -rff "$OUT/trace-capture.json"
want health && "${JMH[@]}" HealthBenchmark -f 3 -wi 5 -w 1s -i 10 -r 1s -prof gc -rf json -rff "$OUT/health-jmh.json"
want servlet && "${JMH[@]}" ServletFilterBenchmark -f 3 -wi 5 -w 1s -i 5 -r 1s -prof gc -rf json -rff "$OUT/servlet-filter.json"
want loopback && OUT="$OUT/servlet-loopback" benchmarks/servlet-loopback.sh
if want load; then
  for run in 1 2 3; do
    "${JAVA[@]}" -cp benchmarks/target/benchmarks.jar com.englog.observability.benchmarks.HealthEndpointLoad 2000 8 10 60 \
      | tee "$OUT/health-load-$run.txt"
  done
fi
