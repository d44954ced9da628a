#!/usr/bin/env bash
# The tests that need servers (src/test/integration): the job with its input and its lake on an
# S3-API object store (jobs/object-store.sh: moto's S3 server, with credentials enforced), on
# Iceberg's REST catalog with an s3:// warehouse, on a Spark standalone cluster of two workers
# (started by test_cluster.py), started by Airflow, read back with pyiceberg and Trino. Starts the
# servers, runs the tests, stops everything whatever happens, and ends with one line per scenario:
# `scenario <name>: passed`. .ci/run calls it after jobs/test.sh.
# VENV picks another virtualenv that already has jobs/requirements*.txt (default: .venv, set up here).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

venv="${VENV:-$root/.venv}"
if [[ -z "${VENV:-}" ]]; then
  jobs/setup.sh
  stamp="$venv/.requirements-integration.sha256"
  want="$(sha256sum jobs/requirements-integration.txt | cut -d' ' -f1)"
  if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
    "$venv/bin/pip" install -q -r jobs/requirements-integration.txt
    echo "$want" >"$stamp"
  fi
fi

cleanup() {
  jobs/trino.sh stop || true
  jobs/rest-catalog.sh stop || true
  jobs/standalone.sh stop >/dev/null 2>&1 || true
  jobs/object-store.sh stop || true
}
trap cleanup EXIT
started=$SECONDS
jobs/object-store.sh start
echo "object store ready in $((SECONDS - started)) s"
# Its address and the key it created, for every client: the job, the REST server, Trino, the
# cluster's workers (which pass them to their executors) and the tests. Never on a command line.
set -a
. target/object-store/credentials.env
set +a
export REST_CATALOG_WAREHOUSE="s3://lake/tiering"
# Every Spark driver, master and worker started from here (the job, the cluster, Airflow's
# spark-submit) listens on the loopback address only.
export SPARK_LOCAL_IP=127.0.0.1
started=$SECONDS
jobs/rest-catalog.sh start
echo "REST catalog ready in $((SECONDS - started)) s"
started=$SECONDS
jobs/trino.sh start
echo "Trino ready in $((SECONDS - started)) s"
# The shaded jar that spark-submit (cluster, Airflow) runs, and spark-submit of the pinned pyspark.
mvn -B -ntp -q -DskipTests package
SPARK_HOME="$("$venv/bin/python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')"
export SPARK_HOME
"$venv/bin/python" -m pytest -q -p no:cacheprovider src/test/integration
