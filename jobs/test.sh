#!/usr/bin/env bash
# Every test of the project: the Java suite (Maven), then the Python tooling tests (Airflow DAG
# integrity, reading the lake without Spark) in the pinned .venv that jobs/setup.sh installs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
jobs/setup.sh
# A green run prints the test report and nothing else: Spark's warnings and the traces of failures
# the tests provoke on purpose go to target/test-logs/. An ERROR line or a stack trace here means
# a test (or the code) let one through to the console.
mkdir -p target
mvn -B -ntp test 2>&1 | tee target/mvn-test.out
if grep -nE '^[0-9:]+ ERROR | ERROR [A-Za-z.$]+: |^\s+at [A-Za-z_$][A-Za-z0-9_$.]*\(|^Caused by: |^Exception in thread' target/mvn-test.out; then
  echo "test.sh: the test output above has ERROR lines or stack traces (see target/mvn-test.out)" >&2
  exit 1
fi
# Airflow keeps its state in AIRFLOW_HOME; a throwaway one keeps the test off ~/airflow.
AIRFLOW_HOME="$root/target/airflow-home" .venv/bin/pytest -q src/test/python
