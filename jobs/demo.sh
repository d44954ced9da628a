#!/usr/bin/env bash
# The demo on a new machine: build, generate a synthetic data set, grade it on two consecutive
# dates (the second compares with the first: stable tiers and a tier_migration matrix), print
# the tier summary of the last date, backtest the lifetime-value model (fitted on the history up to a
# year before, compared with what customers did in that year), render the analysts' notebook.
#   jobs/demo.sh [customers]     (default 20000; data in data/demo, lake in warehouse/, the
#                                 rendered notebook in target/notebook/: nothing tracked changes)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
customers="${1:-20000}"
step() { printf '\n== %s\n' "$*"; }

if [[ ! -f "$root/target/value-tiering-0.1.0-SNAPSHOT.jar" ]]; then
  step "building the job with Maven (the first time it downloads the dependencies: a few minutes)"
fi
step "1/5 generating $(printf "%'d" "$customers") customers of synthetic sales history in data/demo"
"$root/jobs/local.sh" generate --customers "$customers" --seed 42 --end-date 2026-11-21 --output "$root/data/demo"
step "2/5 grading them as of 2026-11-20 into the lake warehouse/ (one line per stage)"
"$root/jobs/local.sh" run --as-of 2026-11-20 --input "$root/data/demo" --warehouse "$root/warehouse" \
  --config "$root/conf/local.conf"
step "3/5 grading them as of 2026-11-21: tiers move from the day before only when a trigger fires"
"$root/jobs/local.sh" run --as-of 2026-11-21 --input "$root/data/demo" --warehouse "$root/warehouse" \
  --config "$root/conf/local.conf"
step "4/5 backtesting the lifetime-value model: fitted up to 2025-11-21, compared with the year after"
"$root/jobs/local.sh" backtest --calibration-end 2025-11-21 --holdout-end 2026-11-21 --input "$root/data/demo" \
  --warehouse "$root/warehouse" --config "$root/conf/local.conf"
step "5/5 rendering the analysts' notebook over warehouse/ (the first time this installs its Python packages into .venv)"
"$root/jobs/notebook.sh"

cat <<EOT

== Look further
  the plots of this run:      open target/notebook/customer_tiers.ipynb (Jupyter, VS Code)
  the tiers of the snapshot:  .venv/bin/python -c "from pyiceberg.catalog.sql import SqlCatalog; \\
      lake = SqlCatalog('lake', uri='sqlite:///$root/warehouse/catalog.db', warehouse='file://$root/warehouse'); \\
      print(lake.load_table('tiering.customer_tiers').scan(row_filter=\"snapshot_date == '2026-11-21'\", \\
      selected_fields=('customer_id', 'tier', 'value_grade', 'clv')).to_pandas().head(20))"
  what the columns mean:      docs/methods.md; SQL engines and BI tools: docs/bi.md
EOT
