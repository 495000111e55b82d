"""A local database file: refused on a network share or read-only, reported when damaged."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from contactdesk.persistence.engine import DatabaseUnavailable, create_database_engine
from contactdesk.persistence.local_file import network_share
from contactdesk.workspace import Workspace
from tests.contactdesk.cli.helpers import run_cli

# A real /proc/mounts from a desktop with a council file share and a team folder on NFS.
MOUNTS = """\
/dev/nvme0n1p2 / ext4 rw,relatime 0 0
proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
//fileserver.council.local/contact /mnt/contact cifs rw,relatime,vers=3.1.1 0 0
nas:/export/home /data/shared nfs4 rw,relatime,vers=4.2 0 0
/dev/nvme0n1p3 /data ext4 rw,relatime 0 0
"""


@pytest.mark.parametrize(("path", "kind"), [
    ("/mnt/contact/desk.sqlite3", "cifs"),
    ("/data/shared/team/desk.sqlite3", "nfs4"),
    ("/data/agent/desk.sqlite3", None),
    ("/data/sharedother/desk.sqlite3", None),  # a sibling, not inside the share
    ("//fileserver/contact/desk.sqlite3", "UNC path"),
])
def test_network_shares_are_recognised(path, kind):
    assert network_share(Path(path), MOUNTS) == kind


def test_a_share_is_refused_before_anything_is_written(tmp_path):
    url = "sqlite:///" + "\\\\fileserver\\contact\\desk.sqlite3"
    with pytest.raises(DatabaseUnavailable, match="network share .*PostgreSQL mode"):
        create_database_engine(url)
    assert not list(tmp_path.iterdir())


def test_a_damaged_file_is_reported_not_used(fresh_database_url):
    url = fresh_database_url("sqlite")
    path = Path(url.removeprefix("sqlite:///"))
    assert Workspace.integrity_problem(url) is None
    with sqlite3.connect(path) as con:
        page = con.execute("PRAGMA page_size").fetchone()[0]
        root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'categories'"
                           ).fetchone()[0]
    with path.open("r+b") as handle:  # scribble over the table's first page
        handle.seek((root - 1) * page + 8)
        handle.write(b"\xff" * 64)
    problem = Workspace.integrity_problem(url)
    assert problem and "is damaged" in problem and "restore the latest backup" in problem
    status = run_cli("db", "status", db=url)
    assert status.code == 2 and "is damaged" in status.err
