#!/usr/bin/env bash
# Set up everything on a fresh machine and run BoardBot.
#   With SLACK_BOT_TOKEN set: serve Slack (Socket Mode with SLACK_APP_TOKEN, else HTTP via uvicorn).
#   Without: a local SQLite database with the demo boards, and the console, as a member would use Slack.
# Arguments go to `boardbot console` (e.g. --as josh-rendall --board hwb, or -c "/kpi reoffending").
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup-python.sh
export DATABASE_URL=${DATABASE_URL:-sqlite:///boardbot.sqlite3}
.venv/bin/boardbot db upgrade
if [ -n "${SLACK_BOT_TOKEN:-}" ]; then
  exec .venv/bin/boardbot serve
fi
# Only into an empty database, or when the demo files changed: a reload would still keep what was
# done in Slack (docs/data-format.md), but there is nothing new to load.
.venv/bin/boardbot load --if-changed data/demo/*.yaml
.venv/bin/boardbot reindex --if-empty >/dev/null  # a database made before search came has no index
# The demo data is from 2019-2023: pin the clock so "next meeting" means something.
export BOARDBOT_NOW=${BOARDBOT_NOW:-2023-09-01T09:00:00+01:00}
echo "No Slack tokens set: the local console, on the demo boards, with the clock at $BOARDBOT_NOW." >&2
exec .venv/bin/boardbot console "$@"
