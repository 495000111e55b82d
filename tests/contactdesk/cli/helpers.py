"""Run the real ``contactdesk`` command in a subprocess, as a person would."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


@dataclass
class Result:
    code: int
    out: str
    err: str


def run_cli(*args: str, db: str | None = None, env: dict | None = None, timeout: int = 120,
            input: str | None = None) -> Result:
    command = [sys.executable, "-m", "contactdesk"]
    if db:
        command += ["--db", db]
    environment = {k: v for k, v in os.environ.items() if k != "CONTACTDESK_DATABASE_URL"}
    environment.update(env or {})
    done = subprocess.run(command + list(args), capture_output=True, text=True, cwd=ROOT,
                          env=environment, timeout=timeout, input=input if input is not None else "")
    assert "Traceback" not in done.stderr, done.stderr
    return Result(done.returncode, done.stdout, done.stderr)


def one_line_error(result: Result) -> str:
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert len(lines) == 1, result.err
    assert lines[0].startswith("contactdesk: ")
    return lines[0]
