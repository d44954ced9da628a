#!/usr/bin/env bash
# Installs the project's Python tooling into .venv:
#   jobs/setup.sh            everything jobs/test.sh needs (jobs/requirements.txt)
#   jobs/setup.sh notebook   only what rendering the notebook needs (jobs/requirements-notebook.txt)
# Idempotent: installs only when a pinned package is missing or at another version, so a .venv
# that already has the full set serves the notebook too.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
case "${1:-all}" in
  all) requirements="$root/jobs/requirements.txt" ;;
  notebook) requirements="$root/jobs/requirements-notebook.txt" ;;
  *) echo "usage: jobs/setup.sh [notebook]" >&2; exit 2 ;;
esac

# Exit 0 when every pin of the file (and of the files it includes with -r) is installed.
satisfied() {
  [[ -x "$venv/bin/python" ]] && "$venv/bin/python" - "$requirements" <<'PY'
import os, re, sys
from importlib.metadata import PackageNotFoundError, version

def pins(path):
    for line in open(path):
        line = line.split("#")[0].strip()
        if line.startswith("-r "):
            yield from pins(os.path.join(os.path.dirname(path), line[3:].strip()))
        elif line:
            name, pinned = re.fullmatch(r"([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==(\S+)", line).groups()
            yield name, pinned

try:
    sys.exit(0 if all(version(name) == pinned for name, pinned in pins(sys.argv[1])) else 1)
except PackageNotFoundError:
    sys.exit(1)
PY
}

if satisfied; then
  exit 0
fi
echo "setup.sh: installing $(basename "$requirements") into .venv (a few minutes the first time) ..." >&2
python3 -m venv "$venv"
"$venv/bin/pip" install -q --upgrade pip
"$venv/bin/pip" install -q -r "$requirements"
echo "setup.sh: .venv ready" >&2
