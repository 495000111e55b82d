"""A person's half-typed call (or case note), kept on disk so a crash never loses it.

One file per kind, person and database in the person's own data folder, readable
only by them (0600 in a 0700 folder), written whole or not at all (a
temporary file renamed over the old one). The call form writes it a moment
after each change and removes it once the call is saved or cleared.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from pathlib import Path

from contactdesk.config import drafts_dir


class DraftFile:
    def __init__(self, username: str, database_url: str, folder: Path | None = None, *,
                 kind: str = "call"):
        self.folder = folder or drafts_dir()
        where = hashlib.sha256(database_url.encode()).hexdigest()[:12]
        person = re.sub(r"[^A-Za-z0-9_.-]", "_", username)[:60]
        self.path = self.folder / f"{kind}-{person}-{where}.json"

    def write(self, draft: dict) -> None:
        """Raises OSError when the draft cannot be kept (the form says so)."""
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(draft, out, ensure_ascii=False)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, self.path)

    def read(self) -> dict | None:
        try:
            draft = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return draft if isinstance(draft, dict) else None

    def remove(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
