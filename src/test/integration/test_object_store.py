"""The lake and its input on an S3-API object store (jobs/object-store.sh): where the files are,
that nothing secret leaks, that the input is checked as a local one is, that the tables equal a
local run's, that the store's faults fail fast and lose nothing, and the CRM's change feed."""

import os
import re
import socket
import subprocess
import threading
import time

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import (INPUT, NAMESPACE, NIGHTS, ROOT, TABLES, WAREHOUSE, WORK, catalog_of, delete_prefix, job, keys,
                      purge, run_summary, store_config, upload)

LAKE_BUCKET, LAKE_PREFIX = WAREHOUSE.split("://", 1)[1].split("/", 1)
ERROR = "value-tiering: error: "
# run_summary columns that differ between any two runs: the run's id, its clock and stage times.
VOLATILE = {"run_summary": {"run_id", "started_at", "finished_at", "stage_seconds"}}


def table_rows(catalog, namespace, table, night=None):
    """A table's rows as sorted tuples of every column (but the volatile ones)."""
    scan = catalog.load_table(f"{namespace}.{table}").scan(
        row_filter=f"snapshot_date == '{night}'" if night else "True")
    arrow = scan.to_arrow()
    names = sorted(n for n in arrow.column_names if n not in VOLATILE.get(table, set()))
    return names, sorted((tuple(_comparable(r[n]) for n in names) for r in arrow.to_pylist()), key=repr)


def _comparable(value):
    if isinstance(value, dict):
        return tuple(sorted((k, _comparable(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_comparable(v) for v in value)
    return value


def assert_same_tables(left, left_ns, right, right_ns, nights):
    for table in sorted(TABLES):
        for night in nights:
            names_l, rows_l = table_rows(left, left_ns, table, night)
            names_r, rows_r = table_rows(right, right_ns, table, night)
            assert names_l == names_r, f"{table}: columns differ"
            assert rows_l, f"{table} {night}: no rows"
            if rows_l != rows_r:
                diff = [(a, b) for a, b in zip(rows_l, rows_r) if a != b][:3]
                pytest.fail(f"{table} {night}: {len(rows_l)} vs {len(rows_r)} rows; first differences {diff}")


# -- object-store-lake ------------------------------------------------------------------------------

@pytest.mark.scenario("object-store-lake")
def test_data_metadata_and_models_are_on_the_store(lake):
    stored = keys(LAKE_BUCKET, LAKE_PREFIX + "/")
    for table in TABLES:
        prefix = f"{LAKE_PREFIX}/{NAMESPACE}/{table}/"
        assert any(k.startswith(prefix + "data/") and k.endswith(".parquet") for k in stored), table
        assert any(k.startswith(prefix + "metadata/") and k.endswith(".metadata.json") for k in stored), table
    # The segmentation model and its decision, through Hadoop's S3A.
    for night in NIGHTS[:1]:
        assert f"{LAKE_PREFIX}/models/segmentation/snapshot_date={night}/decision.json" in stored


@pytest.mark.scenario("object-store-lake")
def test_the_secret_appears_in_no_log_table_or_stderr(lake):
    secret = os.environ["AWS_SECRET_ACCESS_KEY"]
    assert len(secret) >= 16
    logs = list(WORK.rglob("*.log")) + [p for p in (ROOT / "target" / "logs").glob("*.log")]
    assert logs
    for path in logs:
        assert secret not in path.read_text(errors="replace"), path
    catalog = lake["catalog"]
    for table in TABLES:
        arrow = catalog.load_table(f"{NAMESPACE}.{table}").scan().to_arrow()
        assert secret not in repr(arrow.to_pylist()), table


# -- object-store-input -----------------------------------------------------------------------------

def validate_line(*args, log, env=None, command="jobs/local.sh"):
    """The validate command's summary line (or its one error line), with paths made comparable."""
    code, stderr = job("validate", *args, log=log, env=env, check=False, command=command)
    out = log.read_text()
    lines = [l for l in out.splitlines() if l.startswith(("valid: ", "schema drift: ", ERROR))]
    return code, [re.sub(r"(s3a://raw/[\w/-]+|/\S+/input[\w-]*)", "<input>", l) for l in lines]


@pytest.mark.scenario("object-store-input")
def test_input_on_the_store_is_validated_as_the_same_files_on_disk(lake):
    local = validate_line("--as-of", NIGHTS[-1], "--input", str(lake["input"]), "--config", str(lake["config"]),
                          log=WORK / "validate-local.log")
    remote = validate_line("--as-of", NIGHTS[-1], "--input", INPUT, "--config", str(lake["config"]),
                           log=WORK / "validate-store.log")
    assert local[0] == remote[0] == 0
    assert local[1] == remote[1]
    # The planted bad rows, the duplicate rule among them, are found on the store too.
    assert "duplicate_line=" in remote[1][0], remote[1]
    summary = run_summary(lake["catalog"])[NIGHTS[-1]]
    assert remote[1][0].startswith(f"valid: {summary['rows_read']} rows read, {summary['rows_accepted']} accepted")


@pytest.mark.scenario("object-store-input")
def test_schema_drift_on_the_store_is_refused_as_on_disk(lake):
    """A later file without the required `cost` column: both refuse it, naming the file."""
    drifted = WORK / "input-drift"
    subprocess.run(["cp", "-r", str(lake["input"]), str(drifted)], check=True)
    first = sorted((drifted / "transactions").glob("*.parquet"))[0]
    table = pq.read_table(first)
    pq.write_table(table.drop(["cost"]), drifted / "transactions" / "part-99999-late.parquet")
    upload(drifted, "raw", "integration/input-drift")
    local = validate_line("--as-of", NIGHTS[-1], "--input", str(drifted), "--config", str(lake["config"]),
                          log=WORK / "drift-local.log")
    remote = validate_line("--as-of", NIGHTS[-1], "--input", "s3a://raw/integration/input-drift",
                           "--config", str(lake["config"]), log=WORK / "drift-store.log")
    assert local[0] == remote[0] == 1
    assert len(remote[1]) == 1 and remote[1][0].startswith(ERROR) and "part-99999-late" in remote[1][0], remote
    assert local[1] == remote[1]


@pytest.mark.scenario("object-store-input")
def test_catalog_table_on_the_store_is_validated_as_the_files(lake):
    """The transactions as an Iceberg table of the REST catalog on the store, read by spark-submit
    with the catalog registered by --conf, give the counts of the Parquet folder."""
    catalog = lake["catalog"]
    purge(catalog, "raw_input")
    catalog.create_namespace_if_not_exists("raw_input")
    arrow = pq.read_table(lake["input"] / "transactions")
    # Spark's INT96 timestamps read as nanoseconds, which Iceberg tables do not hold: microseconds.
    arrow = arrow.cast(pa.schema([f.with_type(pa.timestamp("us", tz=f.type.tz)) if pa.types.is_timestamp(f.type) else f
                                  for f in arrow.schema]))
    table = catalog.create_table("raw_input.transactions", schema=arrow.schema)
    table.append(arrow)
    conf = WORK / "catalog-input.conf"
    conf.write_text(lake["config"].read_text() + 'tiering.input.transactions = "raw.raw_input.transactions"\n')
    endpoint = os.environ["OBJECT_STORE_ENDPOINT"]
    catalog_conf = " ".join(f"--conf spark.sql.catalog.raw{k}={v}" for k, v in (
        ("", "org.apache.iceberg.spark.SparkCatalog"), (".type", "rest"), (".uri", catalog.properties["uri"]),
        (".io-impl", "org.apache.iceberg.aws.s3.S3FileIO"), (".s3.endpoint", endpoint),
        (".s3.path-style-access", "true"), (".client.region", os.environ.get("AWS_REGION", "us-east-1"))))
    spark_home = os.environ["SPARK_HOME"]
    remote = validate_line("--as-of", NIGHTS[-1], "--input", INPUT, "--config", str(conf),
                           log=WORK / "validate-catalog.log", command="jobs/submit.sh",
                           env={"SPARK_SUBMIT": f"{spark_home}/bin/spark-submit", "MASTER": "local[2]",
                                "DRIVER_MEMORY": "2g", "SPARK_SUBMIT_ARGS": catalog_conf})
    files = validate_line("--as-of", NIGHTS[-1], "--input", INPUT, "--config", str(lake["config"]),
                          log=WORK / "validate-store-2.log")
    assert remote[0] == 0, (WORK / "validate-catalog.log").read_text()[-2000:]
    counts = lambda line: re.match(r"valid: (\d+) rows read, (\d+) accepted, (\d+) rejected", line).groups()
    assert counts(remote[1][0]) == counts(files[1][0])


# -- identical-tables -------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def local_lake(generated):
    """The same input graded on local disk with the embedded catalog, both nights."""
    warehouse = WORK / "local-lake"
    conf = WORK / "local.conf"
    conf.write_text("tiering.quality.max-rejected-share = 0.2\ntiering.segmentation { k-min = 3, k-max = 4 }\n")
    for night in NIGHTS:
        job("run", "--as-of", night, "--input", str(generated), "--warehouse", str(warehouse), "--config", str(conf),
            log=WORK / f"local-run-{night}.log")
    from pyiceberg.catalog.sql import SqlCatalog

    return SqlCatalog("lake", uri=f"sqlite:///{warehouse}/catalog.db", warehouse=f"file://{warehouse}")


@pytest.mark.scenario("identical-tables")
def test_store_and_local_disk_give_identical_tables(lake, local_lake):
    assert_same_tables(local_lake, NAMESPACE, lake["catalog"], NAMESPACE, NIGHTS)


# -- tier-changes -----------------------------------------------------------------------------------

@pytest.mark.scenario("tier-changes")
def test_tier_changes_are_the_customers_whose_tier_differs_from_the_night_before(lake):
    catalog = lake["catalog"]

    def tiers(night):
        rows = catalog.load_table(f"{NAMESPACE}.customer_tiers").scan(
            row_filter=f"snapshot_date == '{night}'", selected_fields=("customer_id", "tier")).to_arrow().to_pylist()
        return {r["customer_id"]: r["tier"] for r in rows}

    def changes(night):
        rows = catalog.load_table(f"{NAMESPACE}.tier_changes").scan(
            row_filter=f"snapshot_date == '{night}'").to_arrow().to_pylist()
        assert len({r["customer_id"] for r in rows}) == len(rows), "one row per customer"
        return {r["customer_id"]: (r["previous_tier"], r["tier"], r["change_reason"]) for r in rows}

    before, after = tiers(NIGHTS[0]), tiers(NIGHTS[1])
    # The first night: every customer, for a CRM that starts empty.
    assert {c: (p, t) for c, (p, t, _) in changes(NIGHTS[0]).items()} == {c: (None, t) for c, t in before.items()}
    expected = {c: (before.get(c), after.get(c)) for c in before.keys() | after.keys() if before.get(c) != after.get(c)}
    got = changes(NIGHTS[1])
    assert expected, "three weeks move some customers"
    assert {c: (p, t) for c, (p, t, _) in got.items()} == expected
    assert all(reason for _, _, reason in got.values())


# -- store-faults -----------------------------------------------------------------------------------

class Cut:
    """A TCP proxy in front of the object store that can be cut (every connection reset, the port
    closed) and restored: the store going away while its data stays, as a network partition does."""

    def __init__(self, target):
        host, port = target.removeprefix("http://").split(":")
        self.target = (host, int(port))
        self.listener = None
        self.open_sockets = set()
        self.lock = threading.Lock()
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.restore()

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.port}"

    def restore(self):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(64)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def cut(self):
        self.listener.close()
        with self.lock:
            for s in list(self.open_sockets):
                try:
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                    s.close()
                except OSError:
                    pass
            self.open_sockets.clear()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.open_sockets.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.close()
                except OSError:
                    pass


def objects_written(after):
    return [k for k in keys(LAKE_BUCKET) if k not in after]


def failing_run(tmp_name, config_text, *args, env=None):
    conf = WORK / f"{tmp_name}.conf"
    conf.write_text(config_text)
    started = time.monotonic()
    code, stderr = job("run", "--as-of", NIGHTS[-1], "--input", INPUT, *args, "--config", str(conf),
                       log=WORK / f"{tmp_name}.log", env=env, check=False)
    return code, stderr, time.monotonic() - started


@pytest.mark.scenario("store-faults")
@pytest.mark.parametrize("fault", ["unreachable", "bucket-missing", "wrong-credentials"])
def test_store_faults_fail_fast_with_one_line_and_write_nothing(lake, fault):
    before = set(keys(LAKE_BUCKET))
    warehouse, env, config = WAREHOUSE, None, store_config()
    if fault == "unreachable":
        closed = socket.socket()
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        closed.close()
        config = store_config(endpoint=f"http://127.0.0.1:{port}")
        expected = f"the object store http://127.0.0.1:{port} is unreachable"
    elif fault == "bucket-missing":
        warehouse = "s3://no-such-bucket/tiering"
        expected = "bucket no-such-bucket does not exist"
    else:
        env = {"AWS_SECRET_ACCESS_KEY": "wrong-" + os.environ["AWS_SECRET_ACCESS_KEY"][::-1]}
        expected = "refused the credentials of the environment"
    code, stderr, seconds = failing_run(f"fault-{fault}", config, "--warehouse", warehouse, env=env)
    assert code == 1
    assert len(stderr) == 1 and stderr[0].startswith(ERROR) and expected in stderr[0], stderr
    assert seconds < 30, f"took {seconds:.0f} s"
    if env:
        assert env["AWS_SECRET_ACCESS_KEY"] not in stderr[0]
    assert objects_written(before) == []
    assert run_summary(lake["catalog"]).keys() == set(NIGHTS)


@pytest.mark.scenario("store-faults")
def test_the_store_going_away_mid_write_loses_nothing(lake, generated):
    """A first night through the proxy, then the second cut as its write starts: one error line,
    the first night intact for readers, and the next run completes."""
    namespace, warehouse = "tiering_faults", f"s3://{LAKE_BUCKET}/faults"
    catalog = catalog_of()
    purge(catalog, namespace)
    delete_prefix(LAKE_BUCKET, "faults/")
    proxy = Cut(os.environ["OBJECT_STORE_ENDPOINT"])
    conf = WORK / "faults.conf"
    conf.write_text(store_config(namespace=namespace, endpoint=proxy.endpoint, attempts=2))
    job("run", "--as-of", NIGHTS[0], "--input", INPUT, "--warehouse", warehouse, "--config", str(conf),
        log=WORK / "faults-first.log")
    first = {t: table_rows(catalog, namespace, t) for t in TABLES}

    log = WORK / "faults-cut.log"
    with open(log, "w") as out:
        process = subprocess.Popen(["jobs/local.sh", "run", "--as-of", NIGHTS[1], "--input", INPUT, "--warehouse",
                                    warehouse, "--config", str(conf)], cwd=ROOT, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True,
                                   env={**os.environ, "SPARK_MASTER": "local[2]", "DRIVER_MEMORY": "2g"})
        for line in process.stdout:
            out.write(line)
            if " stage stability " in line:  # the next stage is the write
                proxy.cut()
                break
        rest, stderr = process.communicate(timeout=600)
        out.write(rest + stderr)
    stderr_lines = stderr.splitlines()
    assert process.returncode == 1, log.read_text()[-3000:]
    assert len(stderr_lines) == 1 and stderr_lines[0].startswith(ERROR), stderr_lines
    # Readers see the first night as it was: every table, row for row; no second night is complete.
    for t in TABLES:
        names, rows = table_rows(catalog, namespace, t, NIGHTS[0])
        assert (names, rows) == (first[t][0], [r for r in first[t][1]]), t
    assert set(run_summary(catalog, namespace)) == {NIGHTS[0]}

    proxy.restore()
    job("run", "--as-of", NIGHTS[1], "--input", INPUT, "--warehouse", warehouse, "--config", str(conf),
        log=WORK / "faults-next.log")
    runs = run_summary(catalog, namespace)
    assert runs[NIGHTS[1]]["status"] == "SUCCEEDED"
    assert sorted(runs) == list(NIGHTS)
    proxy.cut()
