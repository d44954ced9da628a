#!/usr/bin/env bash
# Installs the project's Python tooling into .venv (pinned in jobs/requirements.txt). Idempotent:
# reinstalls only when the requirements changed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$root/jobs/requirements.txt" | cut -d' ' -f1)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  exit 0
fi
python3 -m venv "$venv"
"$venv/bin/pip" install -q --upgrade pip
"$venv/bin/pip" install -q -r "$root/jobs/requirements.txt"
echo "$want" > "$stamp"
