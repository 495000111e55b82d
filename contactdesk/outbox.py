"""Calls taken while the database cannot be reached, kept on this PC until they can be sent.

One file per call in the person's own folder (0600 files in a 0700 folder),
named by the call's idempotency key, so sending it again after a lost reply
or a crash never stores it twice. Oldest first; a call leaves the outbox only
once the database has it.
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
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        values = dataclasses.asdict(call)
        for name in _TIMES:
            if values.get(name) is not None:
                values[name] = values[name].isoformat()
        path = self.folder / f"{call.idempotency_key}.json"
        temporary = path.with_suffix(".tmp")
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(values, out, ensure_ascii=False)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)

    def waiting(self) -> list[CallInput]:
        """The calls not yet sent, oldest first."""
        if not self.folder.is_dir():
            return []
        calls = []
        for path in sorted(self.folder.glob("*.json"), key=lambda p: p.stat().st_mtime):
            try:
                values = json.loads(path.read_text(encoding="utf-8"))
                for name in _TIMES:
                    if values.get(name):
                        values[name] = datetime.fromisoformat(values[name])
                calls.append(CallInput(**values))
            except (OSError, ValueError, TypeError):
                continue  # a damaged file stays for a person to look at
        return calls

    def __len__(self) -> int:
        return len(list(self.folder.glob("*.json"))) if self.folder.is_dir() else 0

    def sent(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            (self.folder / f"{key}.json").unlink()
