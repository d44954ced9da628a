"""Nightly customer value tiering: validate the day's input, then grade and publish the snapshot.

Runs `io.valuetier.Main` from the shaded jar with SparkSubmitOperator, passing the run's
logical date as --as-of, so a retry or a manual rerun of a date replaces exactly that date's
snapshot. Deployment settings come from Airflow Variables, read at run time through templates:

  tiering_jar        path of value-tiering-<version>-shaded.jar
  tiering_input      directory (or URI) of the transactions/customers/invoices tables
  tiering_warehouse  lake warehouse directory (or URI)
  tiering_config     HOCON configuration file (conf/cluster.conf) on the Airflow worker
  tiering_driver_memory, tiering_executor_memory   JVM sizes (default 4g and 8g)

Object-store credentials are never Variables: spark-submit inherits them from the Airflow
worker's environment (or its instance role), the executors from the cluster's.

The configuration travels with the job: spark-submit ships it (`files=`, i.e. --files), and in
cluster mode, where the driver runs on a cluster node without the worker's disk, the job reads
the shipped copy from the driver's working directory by its file name. In client mode the driver
is the spark-submit process itself and reads the worker's path.

The Spark connection and the deploy mode are not templated by the operator, so they come from
the environment of the DAG processor: TIERING_SPARK_CONN (default spark_default) and
TIERING_DEPLOY_MODE (cluster or client, default cluster), and TIERING_RETRIES (default 2). docs/operations.md shows the commands
that set up the Variables and the connection.
"""

from __future__ import annotations

import os
from datetime import timedelta

import pendulum
from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator


JAR = "{{ var.value.get('tiering_jar', '/opt/value-tiering/value-tiering-0.1.0-SNAPSHOT-shaded.jar') }}"
INPUT = "{{ var.value.get('tiering_input', '/data/sales') }}"
WAREHOUSE = "{{ var.value.get('tiering_warehouse', '/data/lake') }}"
CONFIG = "{{ var.value.get('tiering_config', '/opt/value-tiering/conf/cluster.conf') }}"
DEPLOY_MODE = os.environ.get("TIERING_DEPLOY_MODE", "cluster")
# What the driver opens: the shipped copy (its file name) in cluster mode, the worker's file in client mode.
CONFIG_ARG = (
    "{{ var.value.get('tiering_config', '/opt/value-tiering/conf/cluster.conf').split('/')[-1] }}"
    if DEPLOY_MODE == "cluster" else CONFIG
)
AS_OF = "{{ ds }}"

default_args = {
    "owner": "data-engineering",
    # TIERING_RETRIES of the DAG processor's environment: 0 where a failure must show at once (tests).
    "retries": int(os.environ.get("TIERING_RETRIES", "2")),
    "retry_delay": timedelta(minutes=10),
    "retry_exponential_backoff": True,
}

with DAG(
    dag_id="value_tiering_nightly",
    description="Grade every customer as of the logical date and publish the snapshot to the lake",
    schedule="0 2 * * *",
    start_date=pendulum.datetime(2026, 11, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=default_args,
    tags=["tiering", "spark"],
) as dag:
    common = dict(
        application=JAR,
        java_class="io.valuetier.Main",
        conn_id=os.environ.get("TIERING_SPARK_CONN", "spark_default"),
        deploy_mode=DEPLOY_MODE,
        files=CONFIG,
        # Sizes are Variables too (the operator's memory arguments are not templated, conf is): a
        # cluster's executors must fit its workers, or the job waits for resources forever.
        conf={
            "spark.driver.memory": "{{ var.value.get('tiering_driver_memory', '4g') }}",
            "spark.executor.memory": "{{ var.value.get('tiering_executor_memory', '8g') }}",
            # The throughput collector for a batch that keeps its customer rows on the heap (docs/performance.md).
            "spark.driver.extraJavaOptions": "-XX:+UseParallelGC",
            "spark.executor.extraJavaOptions": "-XX:+UseParallelGC",
        },
        verbose=False,
    )

    validate = SparkSubmitOperator(
        task_id="validate",
        name="value-tiering validate {{ ds }}",
        application_args=["validate", "--as-of", AS_OF, "--input", INPUT, "--config", CONFIG_ARG],
        **common,
    )

    run = SparkSubmitOperator(
        task_id="run",
        name="value-tiering run {{ ds }}",
        application_args=[
            "run", "--as-of", AS_OF, "--input", INPUT, "--warehouse", WAREHOUSE, "--config", CONFIG_ARG,
        ],
        **common,
    )

    validate >> run
