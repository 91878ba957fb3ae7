#!/usr/bin/env bash
# The checks CI runs before the tests: ruff's lint and format check, and mypy (config in pyproject.toml).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup-python.sh
echo "ruff check" >&2
.venv/bin/ruff check .
echo "ruff format --check" >&2
.venv/bin/ruff format --check .
echo "mypy" >&2
.venv/bin/mypy
