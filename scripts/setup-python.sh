# Sourced by run.sh and test.sh: make .venv and install BoardBot with its dev tools into it.
# Reinstalls only when pyproject.toml has changed since the last install.
set -euo pipefail
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "Creating .venv with $($PYTHON --version)" >&2
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.boardbot-installed
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "Installing BoardBot and its dependencies into .venv" >&2
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip 2>&1 | grep -v '^WARNING: Location' >&2 || true
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev]' 2>&1 | grep -v '^WARNING: Location' >&2 || true
  .venv/bin/python -c "import bot.cli, slack_bolt, sqlalchemy, alembic, apscheduler, psycopg, pytest" \
    || { echo "Installing the Python packages failed; see the pip output above." >&2; exit 1; }
  echo "$want" > "$stamp"
fi
