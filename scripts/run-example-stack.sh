#!/usr/bin/env bash
# Runs the example stack: the EngLog API and worker services (examples/) wired with the whole suite,
# with PostgreSQL, Redis, Prometheus (loading the shipped rules), Alertmanager and the exporters on
# loopback. Placeholder until the examples land: it says what it will do and exits.
set -euo pipefail
cat <<'TEXT'
The example stack is not built yet. When it lands, this command will:
  1. install (apt-get) prometheus, prometheus-alertmanager, postgresql, redis-server and the exporters,
  2. build examples/englog-api and examples/englog-worker against the englog-bom,
  3. start PostgreSQL, Redis, both services, Prometheus (with monitoring-assets' rules) and Alertmanager
     on 127.0.0.1, and print the URLs of /metrics, /health, Prometheus and Alertmanager.
Until then, run the tests: ./scripts/test-all.sh
TEXT
