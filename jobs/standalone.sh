#!/usr/bin/env bash
# A Spark standalone cluster (one master, WORKERS workers) on 127.0.0.1, from the pyspark package
# that jobs/setup.sh installs, for checking jobs/submit.sh against a real cluster:
#   jobs/standalone.sh start     -> prints the master URL (spark://127.0.0.1:7077) as its last line
#   jobs/standalone.sh stop
# Environment: WORKERS (default 2), WORKER_CORES (cores each, default 1: two workers fit this
# machine's 2 cores), WORKER_MEMORY (memory each offers its executors, default 3g; an executor's
# --executor-memory must not exceed it), SPARK_MASTER_PORT (7077), VENV (the virtualenv with
# pyspark, default .venv) or SPARK_HOME.
# The workers inherit the environment of `start`, and their executors inherit the workers': that
# is how credentials reach the executors here, e.g. for a lake on jobs/object-store.sh:
#   set -a; . target/object-store/credentials.env; set +a; jobs/standalone.sh start
# (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY then reach Iceberg's S3FileIO and S3A in every
# executor, and never appear in a command line or in spark-submit's configuration).
# State and logs go to target/standalone/: master.log, worker-N.log, *.pid, work-N/ (each worker's
# work dir: its executors' stdout/stderr).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${VENV:-$root/.venv}"
state="$root/target/standalone"
port="${SPARK_MASTER_PORT:-7077}"
master="spark://127.0.0.1:$port"
workers="${WORKERS:-2}"

alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Waits up to $3 seconds for the log $2 of the process with pid file $1 to say $4.
await() {
  local pidfile="$1" log="$2" seconds="$3" line="$4"
  for _ in $(seq 1 $((seconds * 5))); do
    grep -q "$line" "$log" 2>/dev/null && return 0
    alive "$pidfile" || break
    sleep 0.2
  done
  grep -q "$line" "$log" 2>/dev/null
}

# Stops the process of pid file $1: TERM, up to 10 s, then KILL. A worker's TERM ends its executors.
end() {
  local pidfile="$1" pid
  if alive "$pidfile"; then
    pid="$(cat "$pidfile")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$pidfile"
}

stop() {
  local pidfile
  for pidfile in "$state"/worker*.pid; do
    [[ -e "$pidfile" ]] && end "$pidfile"
  done
  end "$state/master.pid"
}

start() {
  if ! [[ "$workers" =~ ^[1-9][0-9]*$ ]]; then
    echo "standalone: WORKERS must be a positive number, not '$workers'" >&2
    exit 2
  fi
  # The pyspark package directory is a Spark distribution (bin/, jars/); found without importing it.
  export SPARK_HOME="${SPARK_HOME:-$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/pyspark}"
  # Every socket on 127.0.0.1, the web UIs too (they bind SPARK_LOCAL_IP, else every interface);
  # the executors inherit it.
  export SPARK_LOCAL_IP=127.0.0.1
  mkdir -p "$state"
  local pidfile
  for pidfile in "$state"/*.pid; do
    if alive "$pidfile"; then
      echo "standalone: $(basename "$pidfile" .pid) of a cluster is still running (pid $(cat "$pidfile")):" \
        "jobs/standalone.sh stop first" >&2
      exit 1
    fi
  done
  rm -f "$state"/*.pid
  "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.master.Master \
    --host 127.0.0.1 --port "$port" --webui-port 0 >"$state/master.log" 2>&1 &
  echo $! >"$state/master.pid"
  if ! await "$state/master.pid" "$state/master.log" 60 "I have been elected leader"; then
    echo "standalone: the master did not start; see $state/master.log" >&2
    stop
    exit 1
  fi
  local i
  for i in $(seq 1 "$workers"); do
    mkdir -p "$state/work-$i"
    "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.worker.Worker "$master" \
      --host 127.0.0.1 --webui-port 0 --cores "${WORKER_CORES:-1}" --memory "${WORKER_MEMORY:-3g}" \
      --work-dir "$state/work-$i" >"$state/worker-$i.log" 2>&1 &
    echo $! >"$state/worker-$i.pid"
  done
  for i in $(seq 1 "$workers"); do
    if ! await "$state/worker-$i.pid" "$state/worker-$i.log" 60 "Successfully registered with master"; then
      echo "standalone: worker $i did not register with $master; see $state/worker-$i.log" >&2
      stop
      exit 1
    fi
  done
  echo "$master"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *)
    echo "usage: jobs/standalone.sh start|stop" >&2
    exit 2
    ;;
esac
