#!/usr/bin/env bash
# Set up everything on a fresh machine and run the whole suite against SQLite and PostgreSQL.
# Extra arguments go to pytest (e.g. -k loader, -x). With none (the whole suite, as CI runs it) the
# lint checks of scripts/lint.sh run first, and the tests run in TEST_WORKERS processes (pytest-xdist,
# default 2: a 2-core machine runs the suite in about 6 minutes instead of 11).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup-python.sh
if [ $# -eq 0 ]; then
  bash scripts/lint.sh
  set -- -n "${TEST_WORKERS:-2}"
fi
if [ -z "${BOARDBOT_TEST_POSTGRES_URL:-}" ]; then
  pg_env=$(bash scripts/postgres.sh start) || { echo "Could not start PostgreSQL: the suite needs it." >&2; exit 1; }
  eval "$pg_env"
  trap 'bash scripts/postgres.sh stop "$BOARDBOT_TEST_PG_DIR"' EXIT
fi
echo "Testing on SQLite and on ${BOARDBOT_TEST_POSTGRES_URL}" >&2
.venv/bin/python -m pytest "$@"
