#!/usr/bin/env bash
# Renders the analysts' notebook over a lake, headless (papermill, the notebook's pinned packages
# in .venv), to target/notebook/customer_tiers.ipynb, so the tracked notebook stays as committed:
#   jobs/notebook.sh [warehouse] [snapshot_date]
# Default: the demo's warehouse/ (jobs/demo.sh) and its latest complete snapshot. CATALOG names
# the catalog the job wrote with (tiering.lake.catalog, default lake). OUTPUT=notebooks/customer_tiers.ipynb
# refreshes the committed copy instead. The notebook reads the lake with pyiceberg only: no Spark, no JVM.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
warehouse="$(cd "${1:-$root/warehouse}" 2>/dev/null && pwd || echo "${1:-$root/warehouse}")"
if [[ ! -f "$warehouse/catalog.db" ]]; then
  echo "notebook.sh: no lake at $warehouse (no catalog.db): run jobs/demo.sh first" >&2
  exit 2
fi
"$root/jobs/setup.sh" notebook
cd "$root"
notebook="notebooks/customer_tiers.ipynb"   # relative: papermill records the paths in the notebook
output="${OUTPUT:-target/notebook/customer_tiers.ipynb}"
mkdir -p "$(dirname "$output")"
# Every parameter is passed on every run: rendering in place keeps papermill's injected cell, and
# passing them all replaces it, so no earlier run's values linger. The warehouse goes in through
# the environment, so the rendered notebook holds no local path.
if [[ -n "${2:-}" ]]; then date=(-r snapshot_date "$2"); else date=(-p snapshot_date None); fi
TIERING_WAREHOUSE="$warehouse" .venv/bin/papermill --no-progress-bar \
  --cwd notebooks --kernel python3 "$notebook" "$output" "${date[@]}" -r catalog "${CATALOG:-lake}"
echo "rendered $output"
