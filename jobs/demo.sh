#!/usr/bin/env bash
# The demo on a new machine: build, generate a synthetic data set, grade it, print the tier summary.
#   jobs/demo.sh [customers]     (default 20000; data in data/demo, lake in warehouse/)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
customers="${1:-20000}"
"$root/jobs/local.sh" generate --customers "$customers" --seed 42 --end-date 2026-11-21 --output "$root/data/demo"
"$root/jobs/local.sh" run --as-of 2026-11-21 --input "$root/data/demo" --warehouse "$root/warehouse" \
  --config "$root/conf/local.conf"
