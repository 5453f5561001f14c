# Sourced by test-all.sh and run-example-stack.sh: the Debian packages of the servers and tools the
# integration tests and the example stack start, and the step that installs the missing ones.

# program -> Debian package
ENGLOG_TOOLS=(
  "prometheus:prometheus"
  "promtool:prometheus"
  "prometheus-alertmanager:prometheus-alertmanager"
  "amtool:prometheus-alertmanager"
  "/usr/lib/postgresql/15/bin/postgres:postgresql"
  "redis-server:redis-server"
  "wrk:wrk"
  "prometheus-node-exporter:prometheus-node-exporter"
  "prometheus-blackbox-exporter:prometheus-blackbox-exporter"
  "prometheus-postgres-exporter:prometheus-postgres-exporter"
  "prometheus-redis-exporter:prometheus-redis-exporter"
)

# Prints the packages (space-separated) of the programs among ENGLOG_TOOLS that are not installed;
# with arguments, only the packages named there are considered.
englog_missing_packages() {
  local entry program package missing=()
  for entry in "${ENGLOG_TOOLS[@]}"; do
    program=${entry%%:*}
    package=${entry##*:}
    if [ $# -gt 0 ]; then
      case " $* " in *" $package "*) ;; *) continue ;; esac
    fi
    if ! command -v "$program" >/dev/null 2>&1 && [ ! -x "$program" ]; then
      case " ${missing[*]-} " in
        *" $package "*) ;;
        *) missing+=("$package") ;;
      esac
    fi
  done
  echo "${missing[*]-}"
}

# Installs the packages given as arguments when running as root with apt-get (returns 0); otherwise
# prints the install line and returns 1.
englog_install_packages() {
  [ $# -gt 0 ] || return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo ">> installing: $*"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "$@" >/dev/null
    return 0
  fi
  echo ">> missing packages; install them with:"
  echo "   sudo apt-get install -y --no-install-recommends $*"
  return 1
}
