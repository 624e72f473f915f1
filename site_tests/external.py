"""Tests that need a program from outside Python (chromium, java) skip locally when it is missing,
with the reason, and fail in CI, where .ci/run installs it: a green CI must mean they ran."""
from __future__ import annotations

import os
import shutil

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def require(available: bool, what: str, install: str) -> None:
    if available:
        return
    if in_ci():
        pytest.fail(f"{what} is missing in CI ({install}); these tests must run there", pytrace=False)
    pytest.skip(f"{what} is missing: {install} (`python3 tasks.py test` does it when run as root)")


def require_program(name: str, install: str) -> str:
    path = shutil.which(name)
    require(path is not None, name, install)
    return path  # type: ignore[return-value]
