#!/usr/bin/env bash
# A Spark standalone cluster (one master, one worker) on 127.0.0.1, from the pyspark package that
# jobs/setup.sh installs, for checking jobs/submit.sh against a real cluster:
#   jobs/standalone.sh start     -> prints the master URL (spark://127.0.0.1:7077)
#   jobs/standalone.sh stop
# State and logs go to target/standalone/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The pyspark package directory is a Spark distribution (bin/, jars/); found without importing it.
export SPARK_HOME="${SPARK_HOME:-$("$root/.venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/pyspark}"
state="$root/target/standalone"
port="${SPARK_MASTER_PORT:-7077}"
master="spark://127.0.0.1:$port"
mkdir -p "$state"

case "${1:-}" in
  start)
    "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.master.Master \
      --host 127.0.0.1 --port "$port" --webui-port 0 > "$state/master.log" 2>&1 &
    echo $! > "$state/master.pid"
    for _ in $(seq 1 60); do
      grep -q "I have been elected leader" "$state/master.log" && break
      sleep 1
    done
    "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.worker.Worker "$master" \
      --host 127.0.0.1 --webui-port 0 --cores "${WORKER_CORES:-2}" --memory "${WORKER_MEMORY:-6g}" \
      --work-dir "$state/work" > "$state/worker.log" 2>&1 &
    echo $! > "$state/worker.pid"
    for _ in $(seq 1 60); do
      grep -q "Successfully registered with master" "$state/worker.log" && break
      sleep 1
    done
    grep -q "Successfully registered with master" "$state/worker.log" || { echo "worker did not register; see $state" >&2; exit 1; }
    echo "$master"
    ;;
  stop)
    for p in worker master; do
      [[ -f "$state/$p.pid" ]] && kill "$(cat "$state/$p.pid")" 2>/dev/null || true
      rm -f "$state/$p.pid"
    done
    ;;
  *)
    echo "usage: jobs/standalone.sh start|stop" >&2
    exit 2
    ;;
esac
