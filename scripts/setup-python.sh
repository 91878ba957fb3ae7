# Sourced by run.sh and test.sh: make .venv and install BoardBot with its dev tools into it.
# Reinstalls only when pyproject.toml has changed since the last install.
set -euo pipefail
PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "BoardBot needs Python 3.11 or newer as \$PYTHON (now: $($PYTHON --version 2>&1))." >&2
  exit 1
fi
if ! "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing python3-venv from Debian packages" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >&2
  else
    echo "Python's venv module is missing: install it (Debian: apt-get install python3-venv)." >&2
    exit 1
  fi
fi
if [ ! -x .venv/bin/pip ]; then
  rm -rf .venv  # a half-made environment from an earlier failure
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
