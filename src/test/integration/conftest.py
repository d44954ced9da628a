"""The integration tests' lake: the job run twice (two nights) against a real Iceberg REST catalog.

They need the servers that .ci/run starts (jobs/rest-catalog.sh, jobs/trino.sh), so they are not
part of jobs/test.sh's default suite:
    jobs/rest-catalog.sh start && jobs/trino.sh start
    .venv/bin/pytest -q src/test/integration
    jobs/trino.sh stop; jobs/rest-catalog.sh stop
The job writes into namespace `tiering` of catalog `lake`, the names docs/bi.md's queries use; the
test empties that namespace first, so it owns the REST catalog it is pointed at.
"""

import os
import shutil
import subprocess
import urllib.request
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from pyiceberg.catalog.rest import RestCatalog

ROOT = Path(__file__).resolve().parents[3]
WORK = ROOT / "target" / "integration"
REST_URI = os.environ.get("REST_CATALOG_URI", f"http://127.0.0.1:{os.environ.get('REST_CATALOG_PORT', '8181')}")
# The REST server's warehouse (jobs/rest-catalog.sh): the job's --warehouse, where its models go.
WAREHOUSE = Path(os.environ.get("REST_CATALOG_WAREHOUSE", ROOT / "target" / "rest-catalog" / "warehouse")).resolve()
NAMESPACE = "tiering"
# Two nights three weeks apart; the data runs to the second, so at the first its last three weeks
# lie in the future and are rejected (future_order_date): the ceiling is raised for that.
NIGHTS = ("2026-10-31", "2026-11-21")
CUSTOMERS = 1500
TABLES = {"customer_features", "customer_tiers", "tier_summary", "segment_profiles", "tier_migration",
          "tier_changes", "rejected_transactions", "run_summary"}


def _answers(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def _job(*args, log):
    with open(log, "w") as out:
        code = subprocess.run(["jobs/local.sh", *args], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                              env={**os.environ, "SPARK_MASTER": "local[2]", "DRIVER_MEMORY": "2g"}).returncode
    assert code == 0, f"jobs/local.sh {' '.join(args)} exited {code}; see {log}"


@pytest.fixture(scope="session")
def rest_catalog():
    assert _answers(f"{REST_URI}/v1/config"), f"no REST catalog at {REST_URI}: run jobs/rest-catalog.sh start"
    return RestCatalog("lake", uri=REST_URI)


@pytest.fixture(scope="session")
def lake(rest_catalog):
    """Runs the job for both nights on the REST catalog; returns what the tests compare with."""
    if rest_catalog.namespace_exists(NAMESPACE):
        for identifier in rest_catalog.list_tables(NAMESPACE):
            rest_catalog.purge_table(identifier)
    shutil.rmtree(WAREHOUSE / "models", ignore_errors=True)
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    data = WORK / "input"
    _job("generate", "--customers", str(CUSTOMERS), "--seed", "7", "--end-date", NIGHTS[-1], "--output", str(data),
         log=WORK / "generate.log")
    conf = WORK / "rest.conf"
    conf.write_text(
        f'tiering.lake {{ type = rest, namespace = {NAMESPACE}, properties {{ uri = "{REST_URI}" }} }}\n'
        "tiering.quality.max-rejected-share = 0.2\n"
        "tiering.segmentation { k-min = 3, k-max = 4 }\n")
    for night in NIGHTS:
        _job("run", "--as-of", night, "--input", str(data), "--warehouse", str(WAREHOUSE), "--config", str(conf),
             log=WORK / f"run-{night}.log")
    return {"catalog": rest_catalog, "input": data,
            # Counted from the input files, independently of the job.
            "transaction_rows": pq.read_table(data / "transactions").num_rows}


def run_summary(catalog):
    """run_summary rows by snapshot date (ISO text)."""
    rows = catalog.load_table(f"{NAMESPACE}.run_summary").scan().to_arrow().to_pylist()
    return {str(r["snapshot_date"]): r for r in rows}
