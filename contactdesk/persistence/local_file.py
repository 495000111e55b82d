"""Is this SQLite file safe to use here? Network shares, read-only files, damaged files.

SQLite's write-ahead log needs shared memory and file locks that network file
systems (NFS, SMB/CIFS) do not keep reliably: two PCs writing one file there
can corrupt it, so such a location is refused before anything is written. A
file or folder this account may not write is named as such, and a damaged
file is reported (``integrity_problem``) rather than used silently.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from sqlalchemy import Engine

NETWORK_FILE_SYSTEMS = frozenset({
    "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "9p", "afs", "ceph", "glusterfs",
    "fuse.sshfs", "fuse.glusterfs", "fuse.davfs2", "davfs", "fuse.rclone", "lustre", "gpfs",
    "ncpfs", "coda", "fuse.s3fs",
})


class UnsafeLocation(Exception):
    """Carries the sentence; engine.py turns it into a DatabaseUnavailable."""


def check_location(path: Path, mounts: str | None = None) -> None:
    """Refuse a network share and say plainly what cannot be written."""
    path = path.expanduser()
    share = network_share(path, mounts)
    if share:
        raise UnsafeLocation(
            f"{path} is on a network share ({share}): SQLite cannot keep a database safe "
            "there (two PCs writing at once can corrupt it). Keep the file on this PC's own "
            "disk, or use the shared PostgreSQL mode for several desks")
    folder = path.resolve().parent
    if path.exists() and not os.access(path, os.W_OK):
        raise UnsafeLocation(f"the database file {path} is read-only for this account: ask IT "
                             "for write access, or copy it somewhere you may write")
    if folder.is_dir() and not os.access(folder, os.W_OK | os.X_OK):
        raise UnsafeLocation(f"the folder {folder} is read-only for this account: SQLite "
                             "writes its journal beside the file; choose a folder you may "
                             "write to")


def network_share(path: Path, mounts: str | None = None) -> str | None:
    """The kind of network file system holding ``path`` ("UNC path", "nfs4", ...), or None."""
    text = str(path)
    if text.startswith(("\\\\", "//")):
        return "UNC path"
    if sys.platform == "win32":
        return _windows_remote_drive(path)
    if mounts is None:
        try:
            mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    target = str(path.resolve())
    best, kind = "", None
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, fields[2]
    return kind if kind in NETWORK_FILE_SYSTEMS else None


def _windows_remote_drive(path: Path) -> str | None:
    import ctypes

    drive = path.resolve().drive
    if not drive:
        return None
    remote = ctypes.windll.kernel32.GetDriveTypeW(drive + "\\") == 4  # DRIVE_REMOTE
    return "network drive" if remote else None


def integrity_problem(engine: Engine) -> str | None:
    """SQLite's quick check (seconds even for a large file); None when the file is sound."""
    if engine.dialect.name != "sqlite":
        return None
    from sqlalchemy.exc import DBAPIError

    try:
        with engine.connect() as connection:
            found = [row[0] for row in connection.exec_driver_sql("PRAGMA quick_check(5)")]
    except DBAPIError:
        found = ["the file cannot be read as a database"]
    if found == ["ok"]:
        return None
    return (f"the database file {engine.url.database} is damaged ({found[0]}): stop using it "
            "and restore the latest backup; ContactDesk has not changed it")
