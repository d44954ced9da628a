#!/usr/bin/env bash
# The demo on a new machine: build, generate a synthetic data set, grade it on two consecutive
# dates (the second compares with the first: stable tiers and a tier_migration matrix), print
# the tier summary of the last date.
#   jobs/demo.sh [customers]     (default 20000; data in data/demo, lake in warehouse/)
# Then renders notebooks/customer_tiers.ipynb over warehouse/ (jobs/notebook.sh), so the notebook
# a new user opens shows the plots of their own run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
customers="${1:-20000}"
"$root/jobs/local.sh" generate --customers "$customers" --seed 42 --end-date 2026-11-21 --output "$root/data/demo"
for as_of in 2026-11-20 2026-11-21; do
  "$root/jobs/local.sh" run --as-of "$as_of" --input "$root/data/demo" --warehouse "$root/warehouse" \
    --config "$root/conf/local.conf"
done
"$root/jobs/notebook.sh"
