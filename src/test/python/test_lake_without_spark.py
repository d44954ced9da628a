"""BI access: the lake written by the Java end-to-end test opens with pyiceberg alone (no Spark).

jobs/test.sh runs this after `mvn test`, whose EndToEndTest leaves its lake in target/e2e-lake
(embedded JDBC catalog on SQLite, catalog name "e2e", two snapshot dates).
"""

import re
from pathlib import Path

import pytest
from pyiceberg.catalog.sql import SqlCatalog

LAKE = Path(__file__).resolve().parents[3] / "target" / "e2e-lake"
TABLES = {"customer_features", "customer_tiers", "tier_summary", "segment_profiles", "tier_migration",
          "tier_changes", "rejected_transactions", "run_summary", "clv_backtest"}


@pytest.fixture(scope="module")
def catalog():
    assert (LAKE / "catalog.db").is_file(), f"no lake at {LAKE}: run `mvn test` first (jobs/test.sh does)"
    return SqlCatalog("e2e", uri=f"sqlite:///{LAKE}/catalog.db", warehouse=f"file://{LAKE}")


def test_every_table_is_listed(catalog):
    assert {name for _, name in catalog.list_tables("tiering")} == TABLES


def test_customer_tiers_match_the_run_summary_per_snapshot(catalog):
    runs = catalog.load_table("tiering.run_summary").scan(
        selected_fields=("snapshot_date", "customers", "status")).to_arrow().to_pylist()
    assert len(runs) == 2, runs
    tiers = catalog.load_table("tiering.customer_tiers")
    for run in runs:
        assert run["status"] == "SUCCEEDED"
        rows = tiers.scan(row_filter=f"snapshot_date == '{run['snapshot_date']}'",
                          selected_fields=("customer_id", "tier", "phone_masked")).to_arrow()
        assert rows.num_rows == run["customers"]
        assert len(set(rows.column("customer_id").to_pylist())) == rows.num_rows
        assert all(t is not None for t in rows.column("tier").to_pylist())
        assert all(p is None or re.fullmatch(r"\d{3}\*{4}\d{4}", p) for p in rows.column("phone_masked").to_pylist())


def test_latest_snapshot_query_a_bi_tool_would_run(catalog):
    summary = catalog.load_table("tiering.tier_summary").scan().to_arrow().to_pylist()
    latest = max(r["snapshot_date"] for r in summary)
    tier_rows = [r for r in summary if r["snapshot_date"] == latest and r["method"] == "tier"]
    assert tier_rows
    assert abs(sum(r["customer_share_pct"] for r in tier_rows) - 100.0) < 1e-6
