"""The analysts' notebook runs headless over a real lake and draws every plot.

Executes notebooks/customer_tiers.ipynb with papermill (as jobs/notebook.sh does, but to
target/notebook/, never in place) over the lake the Java EndToEndTest leaves in target/e2e-lake
(catalog "e2e", two snapshot dates, so the migration heatmap has a previous snapshot).
"""

from pathlib import Path

import nbformat
import papermill
import pytest
from pyiceberg.catalog.sql import SqlCatalog

ROOT = Path(__file__).resolve().parents[3]
NOTEBOOK = ROOT / "notebooks" / "customer_tiers.ipynb"
LAKE = ROOT / "target" / "e2e-lake"
OUTPUT = ROOT / "target" / "notebook" / "customer_tiers.ipynb"


@pytest.fixture(scope="module")
def executed():
    assert (LAKE / "catalog.db").is_file(), f"no lake at {LAKE}: run `mvn test` first (jobs/test.sh does)"
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    # Raises PapermillExecutionError, naming the cell, if any cell fails.
    papermill.execute_notebook(str(NOTEBOOK), str(OUTPUT), parameters={"warehouse": str(LAKE), "catalog": "e2e"},
                               kernel_name="python3", cwd=str(NOTEBOOK.parent), progress_bar=False)
    return nbformat.read(OUTPUT, as_version=4)


def tagged(notebook, tag):
    return [c for c in notebook.cells if tag in c.get("metadata", {}).get("tags", [])]


def images(cell):
    return [o for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]


def text(cell):
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")


def test_the_committed_notebook_has_a_parameters_cell_and_plots():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert len(tagged(notebook, "parameters")) == 1
    assert len(tagged(notebook, "plot")) >= 6
    assert NOTEBOOK.stat().st_size < 1_000_000, "keep the rendered notebook's images small"


def test_no_cell_failed(executed):
    errors = [o for c in executed.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors
    assert executed.metadata["papermill"]["parameters"]["catalog"] == "e2e"


def lake():
    return SqlCatalog("e2e", uri=f"sqlite:///{LAKE}/catalog.db", warehouse=f"file://{LAKE}")


def latest_snapshot():
    runs = lake().load_table("tiering.run_summary").scan(selected_fields=("snapshot_date",)).to_arrow()
    return str(max(runs.column("snapshot_date").to_pylist()))


def test_the_latest_snapshot_is_the_default(executed):
    [setup] = tagged(executed, "setup")
    assert f"snapshot {latest_snapshot()}" in text(setup)


def test_every_plot_cell_drew_an_image(executed):
    tiers = lake().load_table("tiering.customer_tiers")
    has_clv = "clv" in {f.name for f in tiers.schema().fields} and any(
        v is not None for v in tiers.scan(row_filter=f"snapshot_date == '{latest_snapshot()}'",
                                          selected_fields=("clv",)).to_arrow().column("clv").to_pylist())
    for cell in tagged(executed, "plot"):
        if "lifetime-value" in cell.metadata["tags"] and not has_clv:
            assert "no lifetime value in this snapshot" in text(cell), cell.source[:200]
        elif "backtest" in cell.metadata["tags"] and not lake().table_exists("tiering.clv_backtest"):
            assert "no backtest in this lake" in text(cell), cell.source[:200]
        else:
            assert images(cell), f"no image from the cell:\n{cell.source[:200]}"
