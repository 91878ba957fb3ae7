"""Fixtures: every database test runs on SQLite and on PostgreSQL.

PostgreSQL comes from BOARDBOT_TEST_POSTGRES_URL (scripts/test.sh starts one). Without it the
PostgreSQL half fails rather than skipping, unless BOARDBOT_TEST_SQLITE_ONLY=1 says so on purpose.
Databases are cloned from templates built once per run: a file copy on SQLite, CREATE DATABASE …
TEMPLATE on PostgreSQL.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from bot.boarddata import load_files
from bot.db import make_engine, make_sessions, upgrade
from tests.fake_slack import FakeSlack

ROOT = Path(__file__).resolve().parent.parent
DEMO_FILES = sorted(glob.glob(str(ROOT / "data" / "demo" / "*.yaml")))
LOAD_TIME = datetime(2023, 9, 1, 8, 0, tzinfo=UTC)


def load_demo(engine: Engine) -> None:
    with make_sessions(engine).begin() as session:
        result = load_files(session, DEMO_FILES, now=LOAD_TIME)
        assert result.ok, "\n".join(str(p) for p in result.problems)


class Backend:
    """Makes fresh databases of one kind from named templates."""

    def __init__(self, name: str, workdir: Path, admin_url: str | None = None):
        self.name = name
        self.workdir = workdir
        self.admin_url = admin_url
        self.templates: dict[str, str] = {}
        self.counter = itertools.count()
        self.created: list[str] = []
        if admin_url:
            self.admin = make_engine(admin_url, isolation_level="AUTOCOMMIT")
            self.prefix = f"bbt{os.getpid()}_"

    def _url(self, db_name: str) -> str:
        if self.name == "sqlite":
            return f"sqlite:///{self.workdir / db_name}.db"
        return make_url(self.admin_url).set(database=db_name).render_as_string(hide_password=False)

    def _create(self, db_name: str, template: str | None = None) -> None:
        if self.name == "sqlite":
            if template:
                shutil.copyfile(self.workdir / f"{template}.db", self.workdir / f"{db_name}.db")
            return
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{db_name}"'))
            suffix = f' TEMPLATE "{template}"' if template else ""
            connection.execute(text(f'CREATE DATABASE "{db_name}"{suffix}'))
        self.created.append(db_name)

    def template(self, name: str, build: Callable[[Engine], None], based_on: str | None = None) -> str:
        if name not in self.templates:
            db_name = f"{getattr(self, 'prefix', '')}tpl_{name}"
            self._create(db_name, self.templates.get(based_on) if based_on else None)
            engine = make_engine(self._url(db_name))
            try:
                build(engine)
            finally:
                engine.dispose()
            self.templates[name] = db_name
        return self.templates[name]

    def schema_template(self) -> str:
        return self.template("schema", upgrade)

    def demo_template(self) -> str:
        self.schema_template()
        return self.template("demo", load_demo, based_on="schema")

    def fresh_url(self, template: str | None = None) -> str:
        db_name = f"{getattr(self, 'prefix', '')}t{next(self.counter)}"
        self._create(db_name, template)
        return self._url(db_name)

    def close(self) -> None:
        if self.admin_url and os.environ.get("BOARDBOT_TEST_PG_DIR"):
            self.admin.dispose()  # a throwaway server (scripts/test.sh) is deleted whole after the run;
            return  # dropping its databases one by one first costs a checkpoint each (95 s in all)
        if self.admin_url:
            with self.admin.connect() as connection:
                for db_name in reversed(self.created):
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
            self.admin.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request, tmp_path_factory) -> Iterator[Backend]:
    if request.param == "postgresql":
        url = os.environ.get("BOARDBOT_TEST_POSTGRES_URL")
        if not url:
            if os.environ.get("BOARDBOT_TEST_SQLITE_ONLY") == "1":
                pytest.skip("BOARDBOT_TEST_SQLITE_ONLY=1: PostgreSQL half skipped on request")
            pytest.fail(
                "PostgreSQL tests need BOARDBOT_TEST_POSTGRES_URL: run scripts/test.sh, "
                "which starts a throwaway PostgreSQL (or set BOARDBOT_TEST_SQLITE_ONLY=1)"
            )
        backend = Backend("postgresql", tmp_path_factory.mktemp("pg"), url)
    else:
        backend = Backend("sqlite", tmp_path_factory.mktemp("sqlite"))
    yield backend
    backend.close()


@pytest.fixture
def fresh_url(backend: Backend) -> str:
    """URL of a new, empty database (no schema)."""
    return backend.fresh_url()


def engine_for(url: str) -> Iterator[Engine]:
    engine = make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def fresh_db(backend: Backend) -> Iterator[Engine]:
    """A database with the current schema and no data."""
    yield from engine_for(backend.fresh_url(backend.schema_template()))


@pytest.fixture
def demo_db(backend: Backend) -> Iterator[Engine]:
    """A database with the current schema and the demo boards of data/demo/ loaded."""
    yield from engine_for(backend.fresh_url(backend.demo_template()))


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    """A fake Slack Web API on loopback that records calls (see tests/fake_slack.py)."""
    fake = FakeSlack()
    yield fake
    fake.close()
