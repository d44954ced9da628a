"""The job on a real Iceberg REST catalog (tiering.lake.type = rest), read back with pyiceberg
through the same REST protocol: every table is there, and the rows agree with run_summary."""

import pytest

from conftest import CUSTOMERS, NAMESPACE, NIGHTS, TABLES, WAREHOUSE, run_summary

pytestmark = pytest.mark.scenario("object-store-lake")


def count(catalog, table, night, **filters):
    condition = " and ".join([f"snapshot_date == '{night}'", *(f"{k} == '{v}'" for k, v in filters.items())])
    return catalog.load_table(f"{NAMESPACE}.{table}").scan(row_filter=condition).to_arrow().num_rows


def test_every_table_is_created_by_the_rest_catalog_in_its_warehouse(lake):
    catalog = lake["catalog"]
    assert {name for _, name in catalog.list_tables(NAMESPACE)} == TABLES
    for name in TABLES:
        # The server chose the location: its warehouse, not a path the job made up.
        location = catalog.load_table(f"{NAMESPACE}.{name}").location()
        assert location.removeprefix("file:").removeprefix("//") == f"{WAREHOUSE}/{NAMESPACE}/{name}", location


def test_each_night_has_one_succeeded_run_whose_counts_add_up(lake):
    runs = run_summary(lake["catalog"])
    assert sorted(runs) == list(NIGHTS)
    for night, run in runs.items():
        assert run["status"] == "SUCCEEDED", run
        # Every night reads the whole input (rows after the night are rejected as future orders).
        assert run["rows_read"] == lake["transaction_rows"]
        assert run["rows_read"] == run["rows_accepted"] + run["rows_rejected"]
        assert 0 < run["customers"] <= CUSTOMERS
    # Three more weeks of orders can only add customers with history.
    assert runs[NIGHTS[0]]["customers"] <= runs[NIGHTS[1]]["customers"]
    # At the first night the last three weeks of orders lie in the future.
    assert runs[NIGHTS[0]]["rows_rejected"] > runs[NIGHTS[1]]["rows_rejected"]


def test_tables_hold_as_many_rows_as_run_summary_says(lake):
    catalog = lake["catalog"]
    for night, run in run_summary(catalog).items():
        customers = run["customers"]
        assert count(catalog, "customer_tiers", night) == customers
        assert count(catalog, "customer_features", night) == customers
        assert count(catalog, "rejected_transactions", night) == run["rows_rejected"]
        tiers = catalog.load_table(f"{NAMESPACE}.customer_tiers").scan(
            row_filter=f"snapshot_date == '{night}'", selected_fields=("customer_id",)).to_arrow()
        assert len(set(tiers.column("customer_id").to_pylist())) == customers, "one row per customer"
        summary = catalog.load_table(f"{NAMESPACE}.tier_summary").scan(
            row_filter=f"snapshot_date == '{night}' and method == 'tier'").to_arrow().to_pylist()
        assert sum(r["customers"] for r in summary) == customers
        migration = catalog.load_table(f"{NAMESPACE}.tier_migration").scan(
            row_filter=f"snapshot_date == '{night}'").to_arrow().to_pylist()
        assert sum(r["customers"] for r in migration) == customers
    # The first night has no earlier snapshot: every customer is new.
    first = catalog.load_table(f"{NAMESPACE}.tier_migration").scan(
        row_filter=f"snapshot_date == '{NIGHTS[0]}'").to_arrow().to_pylist()
    assert {r["previous_tier"] for r in first} == {"(none)"}
