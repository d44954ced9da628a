"""A run killed while it writes leaves every table readable and each snapshot whole: Iceberg commits
one table at a time atomically, and run_summary, written last, still describes a complete run."""

import os
import signal
import subprocess
import time
from pathlib import Path

from pyiceberg.catalog.sql import SqlCatalog

ROOT = Path(__file__).resolve().parents[3]
WORK = ROOT / "target" / "kill-check"
AS_OF = "2026-11-21"
TABLES = ("customer_features", "customer_tiers", "tier_summary", "segment_profiles", "tier_migration",
          "tier_changes", "rejected_transactions", "run_summary")


def run_job(*args, log):
    return subprocess.Popen(["jobs/local.sh", *args], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True, env={**os.environ, "SPARK_MASTER": "local[2]"})


def snapshot(catalog):
    """Row count and distinct customers per table for the date."""
    state = {}
    for t in TABLES:
        data = catalog.load_table(f"tiering.{t}").scan(row_filter=f"snapshot_date == '{AS_OF}'").to_arrow()
        ids = data.column("customer_id").to_pylist() if "customer_id" in data.column_names else []
        state[t] = (data.num_rows, len(set(ids)))
    return state


def test_killed_rerun_leaves_complete_snapshots():
    subprocess.run(["rm", "-rf", str(WORK)], check=True)
    WORK.mkdir(parents=True)
    lake, data = WORK / "lake", WORK / "input"
    with open(WORK / "generate.log", "w") as log:
        assert run_job("generate", "--customers", "3000", "--seed", "5", "--output", str(data), log=log).wait() == 0
    (WORK / "quick.conf").write_text("tiering.segmentation { k-min = 3, k-max = 4 }\n")
    run = ["run", "--as-of", AS_OF, "--input", str(data), "--warehouse", str(lake), "--config", str(WORK / "quick.conf")]
    with open(WORK / "first.log", "w") as log:
        assert run_job(*run, log=log).wait() == 0
    catalog = SqlCatalog("lake", uri=f"sqlite:///{lake}/catalog.db", warehouse=f"file://{lake}")
    before = snapshot(catalog)

    # Rerun the same date and kill it (SIGKILL, no clean-up) once it has started writing.
    log_path = WORK / "killed.log"
    with open(log_path, "w") as log:
        proc = run_job(*run, log=log)
        deadline = time.time() + 600
        while "stage stability" not in log_path.read_text() and time.time() < deadline and proc.poll() is None:
            time.sleep(0.2)
        time.sleep(1.5)  # into the write stage: some tables committed, others not
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()

    catalog = SqlCatalog("lake", uri=f"sqlite:///{lake}/catalog.db", warehouse=f"file://{lake}")
    after = snapshot(catalog)
    customers = before["customer_tiers"][0]
    for t in TABLES:
        rows, distinct = after[t]
        # Whole, whichever side of the kill it committed: the same input gives the same row counts.
        assert rows == before[t][0], (t, before[t], after[t])
        if t in ("customer_features", "customer_tiers"):
            assert rows == distinct == customers, (t, after[t])
    assert after["run_summary"][0] == 1
