"""jobs/submit.sh against a real Spark standalone cluster on 127.0.0.1 gives the same tables as a
local-mode run of the same input (the spark-submit and cluster come from the pinned pyspark)."""

import os
import subprocess
from pathlib import Path

import pytest
from pyiceberg.catalog.sql import SqlCatalog

ROOT = Path(__file__).resolve().parents[3]
WORK = ROOT / "target" / "cluster-check"
AS_OF = "2026-11-21"
# Same shuffle partitioning in both modes, so k-means sees the same partitions and seeds.
CONFIG = 'tiering { spark.shuffle-partitions = 4, segmentation { k-min = 3, k-max = 4 } }\n'


def sh(*args, env=None):
    result = subprocess.run(list(args), cwd=ROOT, env={**os.environ, **(env or {})}, capture_output=True,
                            text=True, timeout=1200)
    assert result.returncode == 0, f"{args} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


@pytest.fixture(scope="module")
def lakes():
    subprocess.run(["rm", "-rf", str(WORK)], check=True)
    WORK.mkdir(parents=True)
    (WORK / "check.conf").write_text(CONFIG)
    sh("jobs/local.sh", "generate", "--customers", "3000", "--seed", "11", "--output", str(WORK / "input"))
    run = ["run", "--as-of", AS_OF, "--input", str(WORK / "input"), "--config", str(WORK / "check.conf")]
    sh("jobs/local.sh", *run, "--warehouse", str(WORK / "local-lake"), env={"SPARK_MASTER": "local[2]"})
    spark_home = sh(str(ROOT / ".venv/bin/python"), "-c",
                    "import sysconfig; print(sysconfig.get_paths()['purelib'])").strip() + "/pyspark"
    # Two workers of 1 core and 3g each (jobs/standalone.sh's defaults): one 3g executor fits each.
    master = sh("jobs/standalone.sh", "start").strip().splitlines()[-1]
    try:
        # SPARK_LOCAL_IP: the driver, its web UI included, listens on 127.0.0.1 only.
        sh("jobs/submit.sh", *run, "--warehouse", str(WORK / "cluster-lake"),
           env={"SPARK_HOME": spark_home, "SPARK_SUBMIT": f"{spark_home}/bin/spark-submit", "MASTER": master,
                "DRIVER_MEMORY": "2g", "EXECUTOR_MEMORY": "3g", "SPARK_LOCAL_IP": "127.0.0.1"})
    finally:
        sh("jobs/standalone.sh", "stop")
    return {name: SqlCatalog("lake", uri=f"sqlite:///{WORK}/{name}/catalog.db", warehouse=f"file://{WORK}/{name}")
            for name in ("local-lake", "cluster-lake")}


def rows(catalog, table, fields):
    data = catalog.load_table(f"tiering.{table}").scan(selected_fields=fields).to_arrow().to_pylist()
    return sorted(tuple(round(v, 9) if isinstance(v, float) else v for v in (r[f] for f in fields)) for r in data)


def test_cluster_run_wrote_every_table(lakes):
    names = {n for _, n in lakes["cluster-lake"].list_tables("tiering")}
    assert {"customer_tiers", "customer_features", "tier_summary", "run_summary"} <= names


def test_cluster_and_local_runs_agree(lakes):
    fields = ("customer_id", "monetary", "r_score", "f_score", "m_score", "rfm_segment", "abc_class",
              "value_score", "value_grade", "lifecycle_stage", "segment_id", "segment", "tier")
    local = rows(lakes["local-lake"], "customer_tiers", fields)
    cluster = rows(lakes["cluster-lake"], "customer_tiers", fields)
    assert len(local) > 2000
    assert local == cluster
    summary = ("method", "grade", "customers")
    assert rows(lakes["local-lake"], "tier_summary", summary) == rows(lakes["cluster-lake"], "tier_summary", summary)
