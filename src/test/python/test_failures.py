"""Failures as a user meets them, at the process level (jobs/local.sh): each ends with exactly one
line `value-tiering: error: ...` on stderr and exit code 1 (2 for a wrong command line), is found
before Spark starts (nothing on stdout, where the stage lines go) and leaves the warehouse as it was.

The warehouse-copy case copies the lake the Java EndToEndTest leaves in target/e2e-lake (catalog
"e2e"), as `cp -a lake lake-staging` would, and runs on the copy.
"""

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
E2E_LAKE = ROOT / "target" / "e2e-lake"
AS_OF = "2026-11-21"


@pytest.fixture(scope="module", autouse=True)
def built():
    # jobs/local.sh builds when the sources changed and says so on stderr: do that before any test counts lines.
    subprocess.run(["jobs/local.sh", "--help"], cwd=ROOT, capture_output=True, check=True)


def local(*args, env=None):
    return subprocess.run(["jobs/local.sh", *map(str, args)], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "SPARK_MASTER": "local[1]", **(env or {})}, timeout=300)


def one_error_line(result, code=1):
    lines = result.stderr.splitlines()
    assert result.returncode == code, result
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("value-tiering: error: "), lines[0]
    return lines[0]


def tree(path):
    """Every file and folder under path with its size and modification time: what 'nothing written' compares."""
    return {str(p.relative_to(path)): (p.stat().st_size, p.stat().st_mtime_ns) for p in [path, *path.rglob("*")]}


@pytest.fixture
def input_dir(tmp_path):
    """An input folder that passes the path checks (the run is refused before it reads a byte)."""
    transactions = tmp_path / "input" / "transactions"
    transactions.mkdir(parents=True)
    (transactions / "part-00000.parquet").write_bytes(b"PAR1")
    return tmp_path / "input"


def test_missing_input_fails_before_spark_and_creates_no_warehouse(tmp_path):
    warehouse = tmp_path / "lake"
    result = local("run", "--as-of", AS_OF, "--input", tmp_path / "nope", "--warehouse", warehouse)
    assert one_error_line(result) == \
        f"value-tiering: error: input table transactions: path {tmp_path}/nope/transactions does not exist"
    assert result.stdout == "", "no stage ran"
    assert not warehouse.exists()


def make_read_only(path):
    """chmod does not stop root; an immutable directory does (chattr +i), as a read-only mount would."""
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(path)], check=True)
    else:
        path.chmod(stat.S_IRUSR | stat.S_IXUSR)


def make_writable(path):
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(path)], check=True)
    path.chmod(stat.S_IRWXU)


def test_read_only_warehouse_fails_before_spark(tmp_path, input_dir):
    warehouse = tmp_path / "lake"
    warehouse.mkdir()
    make_read_only(warehouse)
    try:
        result = local("run", "--as-of", AS_OF, "--input", input_dir, "--warehouse", warehouse)
    finally:
        make_writable(warehouse)
    line = one_error_line(result)
    assert line.startswith(f"value-tiering: error: warehouse {warehouse} is not writable: cannot create a file in "
                           f"{warehouse} ("), line
    assert result.stdout == ""
    assert list(warehouse.iterdir()) == []


def test_reuse_model_without_a_saved_model_fails_before_spark_and_creates_nothing(tmp_path, input_dir):
    warehouse = tmp_path / "lake"
    result = local("run", "--as-of", AS_OF, "--input", input_dir, "--warehouse", warehouse, "--reuse-model")
    assert one_error_line(result) == (f"value-tiering: error: --reuse-model: no segmentation model stored before "
                                      f"{AS_OF} under {warehouse}/models/segmentation")
    assert result.stdout == ""
    assert not warehouse.exists(), "no catalog.db left behind"


def test_missing_pseudonym_key_fails_before_spark(tmp_path, input_dir):
    conf = tmp_path / "private.conf"
    conf.write_text('tiering.privacy { pseudonymize-customer-id = true, key-env = "TEST_TIERING_KEY_UNSET" }\n')
    result = local("run", "--as-of", AS_OF, "--input", input_dir, "--warehouse", tmp_path / "lake", "--config", conf,
                   env={"TEST_TIERING_KEY_UNSET": ""})
    assert one_error_line(result) == ("value-tiering: error: tiering.privacy.pseudonymize-customer-id is on but the "
                                      "environment variable TEST_TIERING_KEY_UNSET is not set")
    assert result.stdout == ""
    assert not (tmp_path / "lake").exists()


def test_a_copied_warehouse_is_refused_and_neither_folder_is_written(tmp_path, input_dir):
    assert (E2E_LAKE / "catalog.db").is_file(), f"no lake at {E2E_LAKE}: run `mvn test` first (jobs/test.sh does)"
    copy = tmp_path / "lake-staging"
    shutil.copytree(E2E_LAKE, copy, symlinks=True)
    conf = tmp_path / "e2e.conf"
    conf.write_text("tiering.lake.catalog = e2e\n")
    original_before, copy_before = tree(E2E_LAKE), tree(copy)

    result = local("run", "--as-of", AS_OF, "--input", input_dir, "--warehouse", copy, "--config", conf)

    line = one_error_line(result)
    assert line.startswith(f"value-tiering: error: warehouse {copy}: table e2e.tiering."), line
    assert f" lives in {E2E_LAKE}/tiering/" in line, line
    assert result.stdout == ""
    assert tree(E2E_LAKE) == original_before
    assert tree(copy) == copy_before


def test_each_command_has_its_own_help():
    result = local("run", "--help")
    assert result.returncode == 0 and result.stderr == ""
    assert "--reuse-model" in result.stdout and "--customers" not in result.stdout
    assert "Command: validate" not in result.stdout and "Command: generate" not in result.stdout
    generate = local("generate", "--help")
    assert "--customers" in generate.stdout and "--warehouse" not in generate.stdout


def test_a_wrong_command_line_is_one_line_with_exit_code_2():
    line = one_error_line(local("run", "--bogus"), code=2)
    assert line.startswith("value-tiering: error: Unknown option --bogus; Missing option --as-of"), line
    assert line.endswith("(see value-tiering run --help)"), line


def test_a_failure_after_spark_started_is_still_one_stderr_line(tmp_path):
    """Spark's own warnings go to the log file: stderr holds the error line alone."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    transactions = tmp_path / "input" / "transactions"
    transactions.mkdir(parents=True)
    pq.write_table(pa.table({"order_id": ["o1"], "order_date": ["2026-11-01"], "amount": [10.0]}),
                   transactions / "part-0.parquet")
    warehouse = tmp_path / "lake"
    result = local("run", "--as-of", AS_OF, "--input", tmp_path / "input", "--warehouse", warehouse)
    line = one_error_line(result)
    assert line.startswith("value-tiering: error: input table transactions: missing required column customer_id"), line
    assert not (warehouse / "catalog.db").exists()
