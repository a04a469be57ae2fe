"""The wheel works without the source tree: styles ship inside it and the CLI runs from anywhere.

These build the wheel, install it (not editable) into a fresh venv and run it from another
directory, so a file that only exists in the repo (``styles/`` at the root) is caught here
instead of by a user. They take a few seconds (uv builds and installs from its cache), hence
the ``slow`` mark; CI runs them like every other test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.lines import LineReader

# One worker builds the wheel and the venv once (module fixtures), however the suite is spread.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("packaging")]

REPO = Path(__file__).resolve().parent.parent
TIMEOUT = 180.0
"""Per command; generous because a cold uv cache has to download the dependencies."""


def _uv() -> str:
    uv = shutil.which("uv")
    assert uv, "uv must be on PATH to build and install the wheel (.ci/run installs it)"
    return uv


def _clean_env() -> dict[str, str]:
    """This process's environment without what would let the repo leak into the venv."""
    env = dict(os.environ)
    for name in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "UV_PROJECT_ENVIRONMENT"):
        env.pop(name, None)
    return env


def _run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(arg) for arg in args],
        cwd=cwd,
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, f"{result.args} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    _ok(_run(_uv(), "build", "--wheel", "-o", out, REPO, cwd=REPO))
    wheels = list(out.glob("backchat-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed, dependencies pinned to uv.lock."""
    root = tmp_path_factory.mktemp("venv")
    venv = root / "venv"
    _ok(_run(_uv(), "venv", "--python", sys.executable, venv, cwd=root))
    requirements = root / "requirements.txt"
    _ok(
        _run(
            _uv(),
            "export",
            "--frozen",
            "--no-dev",
            "--no-emit-project",
            "--no-hashes",
            "-o",
            requirements,
            cwd=REPO,
        )
    )
    install = [_uv(), "pip", "install", "--python", venv / "bin" / "python"]
    install += ["-r", requirements, wheel]
    # Offline first: a warm uv cache (any machine that ran `uv sync`) needs no network.
    result = _run(*install, "--offline", cwd=root)
    if result.returncode != 0:
        result = _run(*install, cwd=root)
    _ok(result)
    return venv


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """A working directory with no repo around it: nothing can be found by accident."""
    directory = tmp_path / "elsewhere"
    directory.mkdir()
    return directory


def test_wheel_contains_styles_and_marker(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {name.removeprefix("tui/styles/") for name in names if name.startswith("tui/styles/")}
    in_repo = {path.name for path in (REPO / "styles").glob("*.tcss")}
    assert in_repo, "the repo has no styles to ship"
    assert shipped == in_repo
    assert "tui/py.typed" in names
    assert "tui/__main__.py" in names
    assert not [name for name in names if name.endswith(".pyc") or name.startswith("tests/")]


def test_console_script_help(venv: Path, elsewhere: Path) -> None:
    out = _ok(_run(venv / "bin" / "backchat", "--help", cwd=elsewhere))
    for command in ("login", "logout", "serve-demo"):
        assert command in out


def test_installed_package_finds_its_styles(venv: Path, elsewhere: Path) -> None:
    code = (
        "import tui, tui.app\n"
        "from tui.paths import styles_dir\n"
        "assert (styles_dir() / 'app.tcss').exists(), styles_dir()\n"
        "print(tui.__file__)\n"
        "print(styles_dir())\n"
    )
    out = _ok(_run(venv / "bin" / "python", "-c", code, cwd=elsewhere))
    package_file, styles = out.splitlines()
    # Both must come from the venv, not from the repo through a stray path entry.
    assert Path(package_file).is_relative_to(venv)
    assert Path(styles).is_relative_to(venv)


@pytest.fixture
def served(venv: Path, elsewhere: Path) -> Iterator[tuple[str, str]]:
    """``backchat serve-demo --port 0`` from the venv: (url, token) from its first lines."""
    stderr = (elsewhere / "stderr.txt").open("w")
    process = subprocess.Popen(
        [str(venv / "bin" / "backchat"), "serve-demo", "--port", "0", "--pace", "0"],
        cwd=elsewhere,
        env=_clean_env(),
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = LineReader(process.stdout)
        url = lines.wait_for("url: ")
        token = lines.wait_for("token: ")
        yield url, token
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
        stderr.close()


def test_serve_demo_from_the_wheel(served: tuple[str, str]) -> None:
    url, token = served
    assert url.startswith("http://127.0.0.1:")
    response = httpx.get(
        f"{url}/backend-api/conversations",
        headers={"Authorization": f"Bearer {token}"},
        params={"limit": 3},
        timeout=20.0,
    )
    assert response.status_code == 200
    page = response.json()
    assert len(page["items"]) == 3
    assert page["total"] >= 300
