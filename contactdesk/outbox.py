"""Calls taken while the database cannot be reached, kept on this PC until they can be sent.

One file per call in the person's own folder (0600 files in a 0700 folder),
named by the call's idempotency key, so sending it again after a lost reply
or a crash never stores it twice. Oldest first; a call leaves the outbox only
once the database has it. A call the database refuses for what it holds (a
category withdrawn meanwhile, a number it rejects) is set aside with the reason,
so it never blocks the calls behind it, until a person puts it back in the form.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import re
from datetime import datetime
from pathlib import Path

from .config import outbox_dir
from .dtos.calls import CallInput

_TIMES = ("started_at", "answered_at")


class Outbox:
    def __init__(self, username: str, database_url: str, folder: Path | None = None):
        where = hashlib.sha256(database_url.encode()).hexdigest()[:12]
        person = re.sub(r"[^A-Za-z0-9_.-]", "_", username)[:60]
        self.folder = (folder or outbox_dir()) / f"{person}-{where}"

    def add(self, call: CallInput) -> None:
        """Keep ``call`` (raises OSError when it cannot be written: the form then says so)."""
        self._write(self.folder / f"{call.idempotency_key}.json", _values(call))

    def waiting(self) -> list[CallInput]:
        """The calls not yet sent, oldest first."""
        return [call for call, _reason in self._read("*.json")]

    def refuse(self, key: str, reason: str) -> None:
        """Set a call the database refused aside with ``reason``; the next ones go on."""
        path = self.folder / f"{key}.json"
        for call, _reason in self._read(path.name):
            self._write(self.folder / f"{key}.refused", {**_values(call), "refused": reason})
        with contextlib.suppress(FileNotFoundError):
            path.unlink()

    def refused(self) -> list[tuple[CallInput, str]]:
        """The calls set aside, oldest first, each with why the database refused it."""
        return self._read("*.refused")

    def forget_refused(self, key: str) -> None:
        """A refused call is back in a person's hands (the form keeps it from here)."""
        with contextlib.suppress(FileNotFoundError):
            (self.folder / f"{key}.refused").unlink()

    def _write(self, path: Path, values: dict) -> None:
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(values, out, ensure_ascii=False)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)

    def _read(self, pattern: str) -> list[tuple[CallInput, str]]:
        if not self.folder.is_dir():
            return []
        calls = []
        for path in sorted(self.folder.glob(pattern), key=lambda p: p.stat().st_mtime):
            try:
                values = json.loads(path.read_text(encoding="utf-8"))
                reason = str(values.pop("refused", ""))
                for name in _TIMES:
                    if values.get(name):
                        values[name] = datetime.fromisoformat(values[name])
                calls.append((CallInput(**values), reason))
            except (OSError, ValueError, TypeError):
                continue  # a damaged file stays for a person to look at
        return calls

    def __len__(self) -> int:
        return len(list(self.folder.glob("*.json"))) if self.folder.is_dir() else 0

    def sent(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            (self.folder / f"{key}.json").unlink()


def _values(call: CallInput) -> dict:
    values = dataclasses.asdict(call)
    for name in _TIMES:
        if values.get(name) is not None:
            values[name] = values[name].isoformat()
    return values
