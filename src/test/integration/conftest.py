"""The integration tests' lake: the job run twice (two nights) against a real Iceberg REST catalog
whose warehouse is on an S3-API object store, reading its input from that store.

They need the servers that jobs/integration-test.sh starts (jobs/object-store.sh, jobs/rest-catalog.sh
with an s3:// warehouse, jobs/trino.sh), so they are not part of jobs/test.sh's default suite:
    jobs/integration-test.sh
The job writes into namespace `tiering` of catalog `lake`, the names docs/bi.md's queries use; the
test empties that namespace first, so it owns the REST catalog it is pointed at.

Each test belongs to one scenario (marker `scenario`); the run ends with one line per scenario,
`scenario <name>: passed` (or failed / not run), the lines jobs/integration-test.sh is read by.
"""

import os
import shutil
import subprocess
import urllib.request
from collections import defaultdict
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from pyiceberg.catalog.rest import RestCatalog

ROOT = Path(__file__).resolve().parents[3]
WORK = ROOT / "target" / "integration"
REST_URI = os.environ.get("REST_CATALOG_URI", f"http://127.0.0.1:{os.environ.get('REST_CATALOG_PORT', '8181')}")
# The object store's address and credentials, as jobs/object-store.sh wrote them for its clients.
CREDENTIALS = ROOT / "target" / "object-store" / "credentials.env"
# The REST server's warehouse (jobs/rest-catalog.sh): the job's --warehouse, where its models go.
WAREHOUSE = os.environ.get("REST_CATALOG_WAREHOUSE", "s3://lake/tiering").rstrip("/")
INPUT = "s3a://raw/integration/input"
NAMESPACE = "tiering"
# Two nights three weeks apart; the data runs to the second, so at the first its last three weeks
# lie in the future and are rejected (future_order_date): the ceiling is raised for that.
NIGHTS = ("2026-10-31", "2026-11-21")
CUSTOMERS = 1500
TABLES = {"customer_features", "customer_tiers", "tier_summary", "segment_profiles", "tier_migration",
          "tier_changes", "rejected_transactions", "run_summary"}
SCENARIOS = ("object-store-lake", "object-store-input", "identical-tables", "cluster", "airflow", "store-faults",
             "tier-changes")


def _load_credentials():
    if CREDENTIALS.is_file():
        for line in CREDENTIALS.read_text().splitlines():
            if "=" in line and not line.lstrip().startswith("#"):
                key, value = line.split("=", 1)
                os.environ.setdefault(key.strip().removeprefix("export "), value.strip())


_load_credentials()
ENDPOINT = os.environ.get("OBJECT_STORE_ENDPOINT", "http://127.0.0.1:9000")
REGION = os.environ.get("AWS_REGION", "us-east-1")


def store_config(namespace=NAMESPACE, endpoint=ENDPOINT, attempts=3):
    """The job's configuration for a lake of the REST catalog on the object store."""
    return (f'tiering.lake {{ type = rest, namespace = {namespace}, properties {{ uri = "{REST_URI}" }} }}\n'
            f'tiering.object-store {{ endpoint = "{endpoint}", region = {REGION}, path-style-access = true, '
            f'connect-timeout-seconds = 2, attempts = {attempts} }}\n'
            "tiering.quality.max-rejected-share = 0.2\n"
            "tiering.segmentation { k-min = 3, k-max = 4 }\n")


def s3():
    import boto3

    return boto3.client("s3", endpoint_url=ENDPOINT, region_name=REGION)


def keys(bucket, prefix=""):
    """Every key under a prefix of a bucket."""
    out = []
    for page in s3().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        out += [o["Key"] for o in page.get("Contents", [])]
    return out


def delete_prefix(bucket, prefix):
    client = s3()
    found = keys(bucket, prefix)
    for i in range(0, len(found), 1000):
        client.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in found[i:i + 1000]]})


def upload(local_dir, bucket, prefix):
    """A local folder of tables copied to s3://bucket/prefix, file for file."""
    delete_prefix(bucket, prefix + "/")
    client = s3()
    for path in Path(local_dir).rglob("*"):
        if path.is_file():
            client.upload_file(str(path), bucket, f"{prefix}/{path.relative_to(local_dir)}")


def _answers(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def job(*args, log, env=None, check=True, command="jobs/local.sh"):
    """Runs the job; stdout and stderr go to the log. Returns (exit code, stderr lines)."""
    with open(log, "w") as out:
        result = subprocess.run([command, *args], cwd=ROOT, stdout=out, stderr=subprocess.PIPE, text=True,
                                env={**os.environ, "SPARK_MASTER": "local[2]", "DRIVER_MEMORY": "2g", **(env or {})})
        out.write(result.stderr)
    if check:
        assert result.returncode == 0, f"{command} {' '.join(args)} exited {result.returncode}; see {log}"
    return result.returncode, result.stderr.splitlines()


def catalog_of(uri=REST_URI):
    return RestCatalog("lake", uri=uri, **{
        "s3.endpoint": ENDPOINT, "s3.region": REGION, "s3.path-style-access": "true",
        "s3.access-key-id": os.environ.get("AWS_ACCESS_KEY_ID", ""),
        "s3.secret-access-key": os.environ.get("AWS_SECRET_ACCESS_KEY", "")})


def purge(catalog, namespace):
    if catalog.namespace_exists(namespace):
        for identifier in catalog.list_tables(namespace):
            catalog.purge_table(identifier)


def models_prefix(warehouse):
    """The key prefix of a warehouse's saved models (s3://bucket/prefix/models/)."""
    return warehouse.split("://", 1)[1].split("/", 1)[1] + "/models/"


@pytest.fixture(scope="session")
def rest_catalog():
    assert _answers(f"{REST_URI}/v1/config"), f"no REST catalog at {REST_URI}: run jobs/integration-test.sh"
    assert CREDENTIALS.is_file(), f"no {CREDENTIALS}: start the object store with jobs/object-store.sh start"
    return catalog_of()


@pytest.fixture(scope="session")
def generated():
    """The input, generated once: a local copy and the same files on the object store."""
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    data = WORK / "input"
    job("generate", "--customers", str(CUSTOMERS), "--seed", "7", "--end-date", NIGHTS[-1], "--output", str(data),
        log=WORK / "generate.log")
    upload(data, "raw", INPUT.split("://raw/", 1)[1])
    return data


@pytest.fixture(scope="session")
def lake(rest_catalog, generated):
    """Runs the job for both nights on the REST catalog, input and lake on the object store."""
    purge(rest_catalog, NAMESPACE)
    delete_prefix(WAREHOUSE.split("://", 1)[1].split("/", 1)[0], models_prefix(WAREHOUSE))
    conf = WORK / "rest.conf"
    conf.write_text(store_config())
    for night in NIGHTS:
        job("run", "--as-of", night, "--input", INPUT, "--warehouse", WAREHOUSE, "--config", str(conf),
            log=WORK / f"run-{night}.log")
    return {"catalog": rest_catalog, "input": generated, "config": conf,
            # Counted from the input files, independently of the job.
            "transaction_rows": pq.read_table(generated / "transactions").num_rows}


def run_summary(catalog, namespace=NAMESPACE):
    """run_summary rows by snapshot date (ISO text)."""
    rows = catalog.load_table(f"{namespace}.run_summary").scan().to_arrow().to_pylist()
    return {str(r["snapshot_date"]): r for r in rows}


# One line per scenario at the end of the run.
_outcomes = defaultdict(list)


def pytest_configure(config):
    config.addinivalue_line("markers", "scenario(name): the integration scenario a test belongs to")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    marker = item.get_closest_marker("scenario")
    if marker and (report.when == "call" or report.outcome != "passed"):
        _outcomes[marker.args[0]].append(report.outcome)


def pytest_terminal_summary(terminalreporter):
    for name in SCENARIOS:
        results = _outcomes.get(name, [])
        state = ("failed" if any(r == "failed" for r in results) else
                 "passed" if results and all(r == "passed" for r in results) else "not run")
        terminalreporter.write_line(f"scenario {name}: {state}")
