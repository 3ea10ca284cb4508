"""The Makefile finds a Python >= 3.12 by itself, whatever `python3` is on this machine."""

import os
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "find-python"


def version_of(python: str) -> tuple[int, int]:
    out = subprocess.run(
        [python, "-c", "import sys; print(*sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    major, minor = out.split()
    return int(major), int(minor)


def test_find_python_prints_an_interpreter_of_at_least_3_12():
    found = subprocess.run([SCRIPT], capture_output=True, text=True, check=True).stdout.strip()

    assert version_of(found) >= (3, 12)


def test_find_python_ignores_a_python_variable_that_is_too_old_or_missing():
    env = os.environ | {"PYTHON": "/nonexistent/python3.9"}
    found = subprocess.run(
        [SCRIPT], capture_output=True, text=True, check=True, env=env
    ).stdout.strip()

    assert version_of(found) >= (3, 12)
