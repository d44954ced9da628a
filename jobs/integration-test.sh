#!/usr/bin/env bash
# The tests that need servers: the job on Iceberg's REST catalog, read back with pyiceberg, and
# the docs/bi.md queries through Trino (src/test/integration). Starts both servers, runs the
# tests, and stops the servers whatever happens. .ci/run calls it after jobs/test.sh.
# VENV picks another virtualenv that already has jobs/requirements*.txt (default: .venv, set up here).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

venv="${VENV:-$root/.venv}"
if [[ -z "${VENV:-}" ]]; then
  jobs/setup.sh
  stamp="$venv/.requirements-integration.sha256"
  want="$(sha256sum jobs/requirements-integration.txt | cut -d' ' -f1)"
  if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
    "$venv/bin/pip" install -q -r jobs/requirements-integration.txt
    echo "$want" >"$stamp"
  fi
fi

trap 'jobs/trino.sh stop || true; jobs/rest-catalog.sh stop || true' EXIT
started=$SECONDS
jobs/rest-catalog.sh start
echo "REST catalog ready in $((SECONDS - started)) s"
started=$SECONDS
jobs/trino.sh start
echo "Trino ready in $((SECONDS - started)) s"
"$venv/bin/python" -m pytest -q -p no:cacheprovider src/test/integration
