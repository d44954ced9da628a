"""Trino reads the lake through the REST catalog: the SQL of docs/bi.md, taken from the page itself,
runs unchanged and gives the numbers of run_summary and of the tables as pyiceberg reads them."""

import os
import re
from collections import Counter
from pathlib import Path

import pytest
import trino

from conftest import NAMESPACE, NIGHTS, ROOT, run_summary

pytestmark = pytest.mark.scenario("object-store-lake")

TRINO_PORT = int(os.environ.get("TRINO_PORT", "8080"))
LATEST = NIGHTS[-1]


def docs_queries():
    """Every statement of the ```sql blocks of docs/bi.md that reads lake.tiering, but the MERGE into a
    CRM's table, which this Trino has not (NightAfterNightTest runs it in Spark)."""
    text = (ROOT / "docs" / "bi.md").read_text()
    statements = []
    for block in re.findall(r"```sql\n(.*?)```", text, flags=re.S):
        body = "\n".join(line for line in block.splitlines() if not line.lstrip().startswith("--"))
        statements += [s.strip() for s in body.split(";") if "lake.tiering." in s and not s.strip().startswith("MERGE")]
    return statements


def docs_query(marker):
    matches = [q for q in docs_queries() if marker in q]
    assert len(matches) == 1, f"docs/bi.md should have one query with {marker!r}, has {len(matches)}"
    return matches[0]


@pytest.fixture(scope="module")
def sql(lake):
    connection = trino.dbapi.connect(host="127.0.0.1", port=TRINO_PORT, user="integration-test",
                                     catalog="lake", schema=NAMESPACE)
    cursor = connection.cursor()

    def run(query):
        cursor.execute(query)
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]

    try:
        run("SELECT 1")
    except Exception as e:  # noqa: BLE001 - any failure to reach it means the server is missing
        pytest.fail(f"no Trino at 127.0.0.1:{TRINO_PORT} ({e}): run jobs/trino.sh start")
    yield run
    connection.close()


def scan(lake, table, night=LATEST):
    return lake["catalog"].load_table(f"{NAMESPACE}.{table}").scan(
        row_filter=f"snapshot_date == '{night}'").to_arrow().to_pylist()


def test_every_docs_query_runs(sql):
    queries = docs_queries()
    assert len(queries) >= 6, queries
    for q in queries:
        sql(q)


def test_latest_complete_snapshot_is_the_last_run(sql, lake):
    assert [str(r["d"]) for r in sql(
        "SELECT max(snapshot_date) AS d FROM lake.tiering.run_summary WHERE status = 'SUCCEEDED'")] == [LATEST]
    runs = run_summary(lake["catalog"])
    tiers = sql(docs_query("SELECT t.*"))
    assert len(tiers) == runs[LATEST]["customers"]
    assert {str(r["snapshot_date"]) for r in tiers} == {LATEST}
    assert {r["customer_id"] for r in tiers} == {r["customer_id"] for r in scan(lake, "customer_tiers")}


def test_tier_summary_of_the_latest_snapshot(sql, lake):
    rows = sql(docs_query("SELECT s.*"))
    expected = {(r["method"], r["grade"]): r["customers"] for r in scan(lake, "tier_summary")}
    assert {(r["method"], r["grade"]): r["customers"] for r in rows} == expected
    tier_rows = [r for r in rows if r["method"] == "tier"]
    assert sum(r["customers"] for r in tier_rows) == run_summary(lake["catalog"])[LATEST]["customers"]
    assert sum(r["customer_share_pct"] for r in tier_rows) == pytest.approx(100.0)


def test_top_customers_per_tier(sql, lake):
    rows = sql(docs_query("rank_in_tier"))
    tiers = scan(lake, "customer_tiers")
    expected = []
    for tier in sorted({r["tier"] for r in tiers}):
        ranked = sorted((r for r in tiers if r["tier"] == tier), key=lambda r: (-r["monetary"], r["customer_id"]))
        expected += [(tier, r["customer_id"], i + 1) for i, r in enumerate(ranked[:10])]
    assert [(r["tier"], r["customer_id"], r["rank_in_tier"]) for r in rows] == expected


def test_last_nights_tier_changes(sql, lake):
    tiers = scan(lake, "customer_tiers")
    changed = {r["customer_id"] for r in tiers if r["tier_changed"]}
    assert changed, "three weeks between the nights move some customers"
    rows = sql(docs_query("AND t.tier_changed"))
    assert {r["customer_id"] for r in rows} == changed
    assert all(r["tier"] != r["previous_tier"] and r["previous_tier"] is not None for r in rows)
    # The same movements counted in tier_migration: customers off the diagonal, new ones aside.
    migration = scan(lake, "tier_migration")
    assert sum(r["customers"] for r in migration
               if r["previous_tier"] not in ("(none)", r["tier"])) == len(changed)

    per_reason = sql(docs_query("GROUP BY t.change_reason"))
    assert {r["change_reason"]: r["customers"] for r in per_reason} == Counter(r["change_reason"] for r in tiers)
    assert sum(r["changed"] for r in per_reason) == len(changed)


def test_revenue_share_by_value_grade(sql, lake):
    rows = sql(docs_query("s.method = 'value_grade'"))
    expected = {r["grade"]: r["customers"] for r in scan(lake, "tier_summary") if r["method"] == "value_grade"}
    assert {r["grade"]: r["customers"] for r in rows} == expected
    revenues = [r["revenue"] for r in rows]
    assert revenues == sorted(revenues, reverse=True)
    # Each share is rounded to 0.1: together within half a step per grade of 100 %.
    assert abs(sum(float(r["revenue_pct"]) for r in rows) - 100.0) <= 0.05 * len(rows) + 1e-9
