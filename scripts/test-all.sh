#!/usr/bin/env bash
# Runs every test of the suite on a fresh Debian 12 machine, the way CI does:
#   1. installs the servers and tools the integration tests start (Debian packages; as root through
#      apt-get, otherwise it prints the exact install line),
#   2. builds and runs all tests (unit + integration) on Java 17,
#   3. runs the unit tests again on the Temurin 25 JDK, then the servlet module's suite once more with
#      both containers on virtual threads (Jetty's virtual-thread executor, Tomcat's useVirtualThreads).
# Extra arguments are passed to Maven in step 2, e.g. scripts/test-all.sh -pl englog-metrics -am
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/debian-packages.sh
. scripts/debian-packages.sh
read -r -a missing_packages <<<"$(englog_missing_packages)"

if [ ${#missing_packages[@]} -gt 0 ]; then
  if ! englog_install_packages "${missing_packages[@]}"; then
    if [ "${CI:-}" = "true" ]; then
      echo ">> CI=true: integration tests must not skip, stopping." >&2
      exit 1
    fi
    echo ">> continuing: integration tests that need them will be skipped with this message."
  fi
fi

JDK17=${JDK17_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}
JDK25=${JDK25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
MVN=(./mvnw -B -ntp -e)

if [ -d "$JDK17" ]; then export JAVA_HOME="$JDK17"; fi
echo ">> Java 17: build, unit and integration tests"
"${MVN[@]}" verify "$@"

if [ -d "$JDK25" ]; then
  echo ">> JDK 25: unit tests again"
  JAVA_HOME="$JDK25" "${MVN[@]}" clean test
  echo ">> JDK 25: the servlet suite on virtual threads"
  JAVA_HOME="$JDK25" "${MVN[@]}" test -pl englog-servlet-filters -am -Denglog.test.virtual-threads=true \
    -Dtest='com/englog/observability/servlet/**/*Test' -Dsurefire.failIfNoSpecifiedTests=false
elif [ "${CI:-}" = "true" ]; then
  echo ">> CI=true but no JDK 25 at $JDK25" >&2
  exit 1
else
  echo ">> no JDK 25 at $JDK25 (set JDK25_HOME): skipping the JDK 25 unit-test pass"
fi
echo ">> all tests passed"
