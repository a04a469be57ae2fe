"""The version the code reports (the User-Agent) is the one the package is built with."""

from __future__ import annotations

import tomllib

from tests.subprocesses import REPO
from tui import __version__


def test_the_code_and_pyproject_agree_on_the_version() -> None:
    with (REPO / "pyproject.toml").open("rb") as file:
        assert tomllib.load(file)["project"]["version"] == __version__
