#!/usr/bin/env bash
# Runs the example stack on 127.0.0.1: the EngLog example API and worker (examples/), the simulated AI
# provider and a traffic generator -- that much needs only a JDK 17+. When their Debian packages are
# installed (as root, this script installs them with the same step as scripts/test-all.sh), also
# Prometheus and Alertmanager loaded with englog-monitoring-assets, with a local webhook receiver that
# prints each notification; --with-postgres and --with-redis add PostgreSQL, Redis and their exporters.
# It prints the URLs and the commands that inject faults; Ctrl-C stops everything it started.
#
# Usage: scripts/run-example-stack.sh [--with-postgres] [--with-redis] [--no-monitoring]
#          [--api-port N] [--time-divisor N] [--run-for SECONDS] ...   (--help lists every option)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
  JAVA="$JAVA_HOME/bin/java"
elif command -v java >/dev/null 2>&1; then
  JAVA=$(command -v java)
else
  echo "run-example-stack: no JDK found; install one (17 or newer): sudo apt-get install -y --no-install-recommends openjdk-17-jdk-headless" >&2
  exit 2
fi

# The Debian packages the requested components need.
wanted=()
monitoring=yes
for arg in "$@"; do
  case "$arg" in
    --with-postgres) wanted+=(postgresql prometheus-postgres-exporter) ;;
    --with-redis) wanted+=(redis-server prometheus-redis-exporter) ;;
    --no-monitoring) monitoring=no ;;
    -h|--help|-V|--version) monitoring=no ;;
  esac
done
if [ "$monitoring" = yes ]; then
  wanted+=(prometheus prometheus-alertmanager)
fi
if [ ${#wanted[@]} -gt 0 ]; then
  # shellcheck source=scripts/debian-packages.sh
  . scripts/debian-packages.sh
  read -r -a missing <<<"$(englog_missing_packages "${wanted[@]}")"
  if [ ${#missing[@]} -gt 0 ]; then
    # Not root: the line is printed and the launcher says what it starts without them.
    englog_install_packages "${missing[@]}" || true
  fi
fi

echo ">> building the examples and the launcher (./mvnw -B -ntp -q -pl examples/example-stack -am package -DskipTests)"
./mvnw -B -ntp -q -pl examples/example-stack -am package -DskipTests

STACK=examples/example-stack/target
exec "$JAVA" -Denglog.examples.dir="$ROOT/examples" \
  -cp "$STACK/classes:$(cat "$STACK/launcher.classpath")" \
  com.englog.examples.stack.ExampleStackMain "$@"
