#!/usr/bin/env bash
# Set up everything on a fresh machine and run BoardBot.
# Without Slack tokens: a local SQLite database with the demo boards, shown on the terminal.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup-python.sh
export DATABASE_URL=${DATABASE_URL:-sqlite:///boardbot.sqlite3}
.venv/bin/boardbot db upgrade
.venv/bin/boardbot load data/demo/*.yaml
# The demo data is from 2019-2023: pin the clock so "next meeting" means something.
export BOARDBOT_NOW=${BOARDBOT_NOW:-2023-09-01T09:00:00+01:00}
echo "Clock pinned to $BOARDBOT_NOW (set BOARDBOT_NOW to change it)." >&2
exec .venv/bin/boardbot show "$@"
