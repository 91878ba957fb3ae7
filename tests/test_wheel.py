"""BoardBot as an operator installs it: a wheel built from the sources, installed outside the checkout.

The wheel is built with `python -m build` (no isolation: setuptools and build come with the dev
extras, so it works offline) from a copy of the files a build reads, installed with pip into a
fresh venv in a temporary directory, and run from there: `boardbot db upgrade`, `boardbot load` of
a copy of the demo files and their texts (data/sources, found from where boardbot runs), and console
questions, one answered from a document's page. The venv sees the test venv's dependencies through a .pth
line (no download), but not its editable BoardBot, so every module, template and migration used
comes from the wheel.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BUILD_INPUTS = ("pyproject.toml", "README.md", "bot", "commands", "reminders", "migrations")
DEMO_NOW = "2023-09-01T09:00:00+01:00"


def completed(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{argv}\n{done.stdout}\n{done.stderr}"
    return done


def run(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    return completed(argv, cwd, env).stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for name in BUILD_INPUTS:
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy2
        copy(
            ROOT / name,
            source / name,
            **({"ignore": shutil.ignore_patterns("__pycache__")} if copy is shutil.copytree else {}),
        )
    dist = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist)], cwd=source)
    [built] = dist.glob("boardbot-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A venv outside the checkout with the wheel installed; its bin directory."""
    venv = tmp_path_factory.mktemp("venv")
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=venv)
    python = venv / "bin" / "python"
    site = Path(
        run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=venv
        ).strip()
    )
    (site / "test_venv_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        cwd=venv,
    )
    return venv / "bin"


def test_the_wheel_holds_every_package_template_and_migration(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for package in ("bot", "bot/slack", "bot/boarddata", "bot/models", "commands", "reminders", "migrations"):
        assert f"{package}/__init__.py" in names, package
    sources = {
        str(path.relative_to(ROOT))
        for folder in ("bot/templates", "migrations")
        for path in (ROOT / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert "migrations/script.py.mako" in sources and "bot/templates/nextmeeting.json.j2" in sources
    assert sources - names == set()


def test_the_installed_wheel_upgrades_loads_the_demo_and_answers(installed, fresh_url, tmp_path):
    workdir = tmp_path / "operator"  # nowhere near the checkout: its data and their texts copied here
    for folder in ("demo", "sources"):
        shutil.copytree(ROOT / "data" / folder, workdir / "data" / folder)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "SLACK_", "VIRTUAL_ENV"))
    }
    env |= {"DATABASE_URL": fresh_url, "BOARDBOT_NOW": DEMO_NOW, "LOG_LEVEL": "WARNING"}
    env["PATH"] = f"{installed}{os.pathsep}{env.get('PATH', '')}"
    where = run(
        [str(installed / "python"), "-c", "import bot, migrations; print(bot.__file__, migrations.__file__)"],
        workdir,
        env,
    )
    assert all(Path(path).is_relative_to(installed.parent) for path in where.split()), where
    run(["boardbot", "db", "upgrade"], workdir, env)
    demo = sorted(str(p.relative_to(workdir)) for p in (workdir / "data" / "demo").glob("*.yaml"))
    loaded = completed(["boardbot", "load", *demo], workdir, env)
    assert "boards: 2 new" in loaded.stdout
    assert "not indexed" not in loaded.stderr, loaded.stderr  # data/sources/… read from where it runs
    answer = run(["boardbot", "console", "-c", "/nextmeeting hwb"], workdir, env)
    assert "Health and Wellbeing Board" in answer or "Health & Wellbeing Board" in answer, answer
    assert "Thursday 5 October 2023" in answer, answer
    found = run(["boardbot", "console", "-c", "/boardbot search samaritans posters pubs"], workdir, env)
    assert "Family and People Services Policy and Scrutiny Committee, Monday 25th November 2019" in found, (
        found
    )
