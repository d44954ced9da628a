#!/usr/bin/env bash
# Every test of the project: the Java suite (Maven), then the Python tooling tests (Airflow DAG
# integrity, reading the lake without Spark) in the pinned .venv that jobs/setup.sh installs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
jobs/setup.sh
mvn -B -ntp test
# Airflow keeps its state in AIRFLOW_HOME; a throwaway one keeps the test off ~/airflow.
AIRFLOW_HOME="$root/target/airflow-home" .venv/bin/pytest -q src/test/python
