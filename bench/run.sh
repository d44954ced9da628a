#!/usr/bin/env bash
# Benchmark of the whole job at several sizes, with DuckDB computing the same customer features as
# a reference (see bench/README.md). Not part of the test suite.
#   bench/run.sh [CUSTOMERS ...]          (default: 400 10000 100000 1000000 5000000)
#   REPEAT=2 bench/run.sh 100000          (a quick check)
#   bench/run.sh object-store [CUSTOMERS ...]   (input and lake on jobs/object-store.sh next to local
#                                          disk, default 1000000; bench/object_store.py)
# Environment: REPEAT (3), BENCH_DATA (/tmp/bench-data: generated data, reused per size),
# BENCH_WORK (/tmp/bench-work: warehouses and logs), DRIVER_MEMORY (4g), DUCKDB_THREADS (2),
# BENCH_KEEP=1 (keep the warehouses), BENCH_RESULTS (bench/results).
# The report goes to stdout and to bench/results/<date>-<hostname>.md, the raw figures next to it (.json).
set -euo pipefail
bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# The benchmark's own Python tooling (pinned in bench/requirements.txt) in bench/.venv; reinstalled
# only when the requirements change.
venv="$bench/.venv"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$bench/requirements.txt" | cut -d' ' -f1)"
if [[ ! -x "$venv/bin/python" || ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
  echo "[bench] installing bench/requirements.txt into bench/.venv ..." >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --upgrade pip >&2
  "$venv/bin/pip" install -q -r "$bench/requirements.txt" >&2
  echo "$want" > "$stamp"
fi

if [[ "${1:-}" == object-store ]]; then
  shift
  exec "$venv/bin/python" "$bench/object_store.py" "$@"
fi
exec "$venv/bin/python" "$bench/bench.py" "$@"
