"""A Spark standalone master and two workers on 127.0.0.1 (executors in JVMs of their own, sharing
no disk with the driver but the object store), driven by jobs/submit.sh and by Airflow running the
nightly DAG with `airflow dags test`: the tables equal the local run's."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import (INPUT, NAMESPACE, NIGHTS, ROOT, WORK, catalog_of, delete_prefix, job, purge, run_summary,
                      store_config)
from test_object_store import LAKE_BUCKET, assert_same_tables, local_lake  # noqa: F401 - a fixture

SPARK_HOME = os.environ.get("SPARK_HOME", "")
MEMORY = {"DRIVER_MEMORY": "2g", "EXECUTOR_MEMORY": "2g"}
STANDALONE = ROOT / "target" / "standalone"


def sh(*args, env=None, timeout=1200):
    result = subprocess.run(list(args), cwd=ROOT, env={**os.environ, **(env or {})}, capture_output=True, text=True,
                            timeout=timeout)
    return result


@pytest.fixture(scope="module")
def cluster(lake):
    assert SPARK_HOME, "SPARK_HOME: the pinned pyspark's directory (jobs/integration-test.sh sets it)"
    # The workers inherit this environment, object-store credentials included: that is how they
    # reach the executors here (an instance or pod role does it on a real cluster).
    for old in STANDALONE.glob("work-*"):
        subprocess.run(["rm", "-rf", str(old)], check=True)
    started = sh("jobs/standalone.sh", "start", env={"WORKERS": "2"})
    assert started.returncode == 0, started.stdout + started.stderr
    master = started.stdout.strip().splitlines()[-1]
    assert master.startswith("spark://127.0.0.1:")
    yield master
    sh("jobs/standalone.sh", "stop")


def fresh(namespace, prefix):
    catalog = catalog_of()
    purge(catalog, namespace)
    delete_prefix(LAKE_BUCKET, prefix + "/")
    return catalog, f"s3://{LAKE_BUCKET}/{prefix}"


@pytest.mark.scenario("cluster")
def test_two_workers_give_the_local_runs_tables(cluster, local_lake):
    catalog, warehouse = fresh("tiering_cluster", "cluster")
    conf = WORK / "cluster.conf"
    conf.write_text(store_config(namespace="tiering_cluster"))
    job("run", "--as-of", NIGHTS[0], "--input", INPUT, "--warehouse", warehouse, "--config", str(conf),
        log=WORK / "cluster-run.log", command="jobs/submit.sh",
        env={"SPARK_SUBMIT": f"{SPARK_HOME}/bin/spark-submit", "MASTER": cluster, **MEMORY})
    # Executors ran on both workers (each keeps an executor's stderr in its own work dir).
    workers = {p.relative_to(STANDALONE).parts[0] for p in STANDALONE.glob("work-*/*/*/stderr")}
    assert len(workers) == 2, f"executors ran in {workers}"
    assert_same_tables(local_lake, NAMESPACE, catalog, "tiering_cluster", NIGHTS[:1])


# Airflow runs no task for a logical date before the DAG's start_date (2026-11-01): the good
# night is the later one, the bad one the day after.
GOOD, BAD = NIGHTS[1], "2026-11-22"


def airflow(*args, env):
    return sh(str(Path(sys.executable).parent / "airflow"), *args, env=env, timeout=1800)


@pytest.mark.scenario("airflow")
def test_airflow_runs_the_dag_on_the_cluster_and_a_bad_input_stops_at_validate(cluster, local_lake):
    catalog, warehouse = fresh("tiering_airflow", "airflow")
    conf = WORK / "airflow.conf"
    conf.write_text(store_config(namespace="tiering_airflow"))
    home = WORK / "airflow-home"
    host, port = cluster.removeprefix("spark://").split(":")
    jar = ROOT / "target" / "value-tiering-0.1.0-SNAPSHOT-shaded.jar"
    assert jar.is_file(), "the shaded jar (mvn package; jobs/submit.sh builds it)"
    env = {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "jobs" / "airflow"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        # spark-submit of the pinned pyspark, found on PATH as the connection's binary.
        "PATH": f"{SPARK_HOME}/bin:{os.environ['PATH']}",
        "AIRFLOW_CONN_SPARK_DEFAULT": json.dumps({"conn_type": "spark", "host": f"spark://{host}", "port": int(port),
                                                  "extra": {"deploy-mode": "client", "spark-binary": "spark-submit"}}),
        "TIERING_DEPLOY_MODE": "client",
        "TIERING_RETRIES": "0",
        "AIRFLOW_VAR_TIERING_JAR": str(jar),
        "AIRFLOW_VAR_TIERING_INPUT": INPUT,
        "AIRFLOW_VAR_TIERING_WAREHOUSE": warehouse,
        "AIRFLOW_VAR_TIERING_CONFIG": str(conf),
        "AIRFLOW_VAR_TIERING_DRIVER_MEMORY": "2g",
        "AIRFLOW_VAR_TIERING_EXECUTOR_MEMORY": "2g",
    }
    migrated = airflow("db", "migrate", env=env)
    assert migrated.returncode == 0, migrated.stdout[-2000:] + migrated.stderr[-2000:]
    good = airflow("dags", "test", "value_tiering_nightly", GOOD, env=env)
    (WORK / "airflow-good.log").write_text(good.stdout + good.stderr)
    assert good.returncode == 0, (good.stdout + good.stderr)[-4000:]
    runs = run_summary(catalog, "tiering_airflow")
    assert set(runs) == {GOOD} and runs[GOOD]["status"] == "SUCCEEDED"
    assert runs[GOOD]["rows_read"] == runs[GOOD]["rows_accepted"] + runs[GOOD]["rows_rejected"] > 0
    # What the DAG wrote is the night the local run graded.
    assert runs[GOOD]["customers"] == run_summary(local_lake)[GOOD]["customers"]

    bad = airflow("dags", "test", "value_tiering_nightly", BAD,
                  env={**env, "AIRFLOW_VAR_TIERING_INPUT": "s3a://raw/integration/no-such-input"})
    output = bad.stdout + bad.stderr
    (WORK / "airflow-bad.log").write_text(output)
    assert bad.returncode != 0, output[-4000:]
    assert "value-tiering: error: input table transactions: no Parquet files at s3a://raw/integration/no-such-input" \
        in output, output[-4000:]
    states = airflow("tasks", "states-for-dag-run", "value_tiering_nightly", _run_id(env, BAD), "-o", "json",
                     env=env)
    by_task = {t["task_id"]: t["state"] for t in json_list(states.stdout)}
    assert by_task["validate"] == "failed" and by_task["run"] in ("upstream_failed", None), by_task
    assert set(run_summary(catalog, "tiering_airflow")) == {GOOD}


def _run_id(env, night):
    runs = airflow("dags", "list-runs", "value_tiering_nightly", "-o", "json", env=env)
    listed = json_list(runs.stdout)
    return next(r["run_id"] for r in listed if str(r.get("logical_date", "")).startswith(night))


def json_list(output):
    """The JSON list an `airflow ... -o json` command printed, among its log lines (which start with "[" too)."""
    for line in reversed(output.splitlines()):
        if line.startswith("[{") or line == "[]":
            return json.loads(line)
    raise AssertionError(f"no JSON list in: {output[-2000:]}")
