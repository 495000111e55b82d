"""A throwaway PostgreSQL cluster for the test session.

Runs its own ``initdb`` + ``pg_ctl`` in a temporary directory (under /dev/shm
when available, see ``_default_parent_dir``), listening on a free TCP port on
127.0.0.1 (and a unix socket inside that directory), with durability switched
off for speed: starting takes well under 2 s, a database copied from a template
about 10 ms.  Nothing outside the temporary directory is
touched, so it never conflicts with a system PostgreSQL service.

As root (CI, containers) the server runs as the ``postgres`` system user via
``runuser``, because initdb refuses to run as root.
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

__all__ = ["ThrowawayPostgres", "find_postgres_bindir"]

MISSING_MESSAGE = "PostgreSQL server binaries not found: run `make test` (it installs postgresql)"

_SERVER_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "100",
    "shared_buffers": "'64MB'",
    "log_min_messages": "warning",
    "timezone": "'UTC'",
}


def _version_key(path: str) -> tuple[int, ...]:
    # /usr/lib/postgresql/15/bin -> (15,)
    version = Path(path).parent.name
    return tuple(int(part) for part in re.findall(r"\d+", version)) or (0,)


def find_postgres_bindir() -> Path:
    """Directory holding ``initdb`` and ``pg_ctl``: the newest Debian install, else PATH."""
    candidates = [
        d
        for d in glob.glob("/usr/lib/postgresql/*/bin")
        if os.access(os.path.join(d, "initdb"), os.X_OK)
        and os.access(os.path.join(d, "pg_ctl"), os.X_OK)
    ]
    if candidates:
        return Path(max(candidates, key=_version_key))
    initdb = shutil.which("initdb")
    if initdb:
        bindir = Path(initdb).resolve().parent
        if (bindir / "pg_ctl").exists():
            return bindir
    raise RuntimeError(MISSING_MESSAGE)


def _default_parent_dir() -> str | None:
    """Where to put the cluster: RAM-backed /dev/shm when it has room (copying a
    template database there takes ~10 ms instead of ~200 ms on disk), else TMPDIR.
    ``CONTACTDESK_TEST_PGDIR`` overrides."""
    override = os.environ.get("CONTACTDESK_TEST_PGDIR")
    if override:
        return override
    shm = "/dev/shm"
    try:
        st = os.statvfs(shm)
    except OSError:
        return None
    if (
        os.path.isdir(shm)
        and os.access(shm, os.W_OK | os.X_OK)
        and st.f_bavail * st.f_frsize >= 1 << 30
    ):
        return shm
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ThrowawayPostgres:
    """A private PostgreSQL server; ``start()`` it, use ``url(dbname)``, ``stop()`` it."""

    superuser = "postgres"
    host = "127.0.0.1"

    def __init__(
        self,
        bindir: str | os.PathLike[str] | None = None,
        parent_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        self._bindir = Path(bindir) if bindir else None
        self._parent_dir = parent_dir
        self.port: int | None = None
        self.base_dir: Path | None = None
        self._run_as: list[str] = []
        self._env: dict[str, str] = {}
        self.startup_seconds: float | None = None

    # -- lifecycle ---------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.port is not None

    @property
    def data_dir(self) -> Path:
        assert self.base_dir is not None, "server not started"
        return self.base_dir / "data"

    @property
    def log_file(self) -> Path:
        assert self.base_dir is not None, "server not started"
        return self.base_dir / "server.log"

    def start(self) -> ThrowawayPostgres:
        if self.running:
            return self
        began = time.monotonic()
        bindir = self._bindir or find_postgres_bindir()
        self._bindir = bindir
        self._env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}

        parent = self._parent_dir if self._parent_dir is not None else _default_parent_dir()
        self.base_dir = Path(tempfile.mkdtemp(prefix="contactdesk-pg-", dir=parent))
        atexit.register(self.stop)
        try:
            if os.geteuid() == 0:
                self._prepare_for_root()
            self._initdb()
            self._start_server()
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - began
        return self

    def stop(self) -> None:
        """Stop the server (immediate mode) and delete its directory.  Idempotent."""
        base_dir, self.base_dir = self.base_dir, None
        if base_dir is None:
            return
        data_dir = base_dir / "data"
        if (data_dir / "postmaster.pid").exists():
            subprocess.run(
                [
                    *self._run_as,
                    str(self._bindir / "pg_ctl"),
                    "-D",
                    str(data_dir),
                    "-m",
                    "immediate",
                    "-w",
                    "stop",
                ],
                cwd=base_dir,
                env=self._env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=False,
            )
        self.port = None
        shutil.rmtree(base_dir, ignore_errors=True)

    def restart(self) -> None:
        """Stop the server in immediate mode (as a crash would) and start it on the same port."""
        self._require_running()
        self._run([str(self._bindir / "pg_ctl"), "-D", str(self.data_dir), "-m", "immediate",
                   "-w", "stop"], "pg_ctl stop")
        self._run([str(self._bindir / "pg_ctl"), "-D", str(self.data_dir), "-l",
                   str(self.log_file), "-o", f"-p {self.port}", "-w", "-t", "60", "start"],
                  "pg_ctl start")

    def __enter__(self) -> ThrowawayPostgres:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- databases ---------------------------------------------------------

    def url(self, dbname: str) -> str:
        """SQLAlchemy URL (psycopg 3 driver) for a database on this server."""
        self._require_running()
        return f"postgresql+psycopg://{self.superuser}@{self.host}:{self.port}/{dbname}"

    def connect(self, dbname: str = "postgres", **kwargs):
        """A psycopg connection (autocommit by default); close it (``with ...:``)."""
        import psycopg

        self._require_running()
        kwargs.setdefault("autocommit", True)
        return psycopg.connect(
            host=self.host,
            port=self.port,
            user=self.superuser,
            dbname=dbname,
            connect_timeout=10,
            **kwargs,
        )

    def create_database(self, name: str, template: str | None = None) -> str:
        """``CREATE DATABASE name [TEMPLATE template]``; returns ``url(name)``."""
        from psycopg import sql

        query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template is not None:
            query = sql.SQL("{} TEMPLATE {}").format(query, sql.Identifier(template))
        with self.connect() as conn:
            if conn.info.server_version >= 150000:
                # Much faster than the default WAL_LOG for small databases with fsync off.
                query = sql.SQL("{} STRATEGY FILE_COPY").format(query)
            if template is not None:
                # CREATE DATABASE ... TEMPLATE fails while anyone is connected to the template.
                self._terminate_connections(conn, template)
            conn.execute(query)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop a database (if it exists), disconnecting its sessions first."""
        from psycopg import sql

        with self.connect() as conn:
            self._terminate_connections(conn, name)
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    def terminate_connections(self, dbname: str) -> None:
        with self.connect() as conn:
            self._terminate_connections(conn, dbname)

    # -- internals ---------------------------------------------------------

    @staticmethod
    def _terminate_connections(conn, dbname: str) -> None:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (dbname,),
        )

    def _require_running(self) -> None:
        if not self.running:
            raise RuntimeError("ThrowawayPostgres is not running: call start() first")

    def _prepare_for_root(self) -> None:
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            raise RuntimeError(
                "running as root but there is no 'postgres' user to run the server as: "
                "run `make test` (it installs postgresql)"
            ) from None
        if shutil.which("runuser") is None:
            raise RuntimeError(
                "running as root needs `runuser` (util-linux) to start PostgreSQL as 'postgres'"
            )
        assert self.base_dir is not None
        os.chown(self.base_dir, user.pw_uid, user.pw_gid)
        self._run_as = ["runuser", "-u", "postgres", "--"]
        # The postgres user must be able to reach the directory (e.g. TMPDIR under /root is not).
        probe = subprocess.run(
            [*self._run_as, "test", "-w", str(self.base_dir)], env=self._env, check=False
        )
        if probe.returncode != 0:
            raise RuntimeError(
                f"user 'postgres' cannot write to {self.base_dir}: point TMPDIR at a directory it can reach"
            )

    def _run(self, args: list[str], what: str) -> None:
        assert self.base_dir is not None
        proc = subprocess.run(
            [*self._run_as, *args],
            cwd=self.base_dir,
            env=self._env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"{what} failed (exit {proc.returncode}):\n{proc.stdout.strip()}")

    def _initdb(self) -> None:
        base = [
            str(self._bindir / "initdb"),
            "-D",
            str(self.data_dir),
            "-A",
            "trust",
            "-U",
            self.superuser,
            "--no-sync",
            "-E",
            "UTF8",
        ]
        try:
            self._run([*base, "--locale=C.UTF-8"], "initdb")
        except RuntimeError:
            # (as root we may remove the postgres user's files)
            shutil.rmtree(self.data_dir, ignore_errors=True)
            self._run([*base, "--locale=C"], "initdb (locale C)")

        settings = dict(_SERVER_SETTINGS, unix_socket_directories=f"'{self.base_dir}'")
        with open(self.data_dir / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write("\n# contactdesk test settings\n")
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())
        # The superuser needs no password (the fixture's own connections); every other
        # login must give its password, as each person's login does on a council server.
        (self.data_dir / "pg_hba.conf").write_text(
            f"local all {self.superuser} trust\n"
            f"host all {self.superuser} 127.0.0.1/32 trust\n"
            f"host all {self.superuser} ::1/128 trust\n"
            "local all all scram-sha-256\n"
            "host all all 127.0.0.1/32 scram-sha-256\n"
            "host all all ::1/128 scram-sha-256\n", encoding="utf-8")

    def _start_server(self) -> None:
        last_error: RuntimeError | None = None
        for _attempt in range(3):  # the free port can be taken between probe and bind
            port = _free_port()
            try:
                self._run(
                    [
                        str(self._bindir / "pg_ctl"),
                        "-D",
                        str(self.data_dir),
                        "-l",
                        str(self.log_file),
                        "-o",
                        f"-p {port}",
                        "-w",
                        "-t",
                        "60",
                        "start",
                    ],
                    "pg_ctl start",
                )
            except RuntimeError as exc:
                log = self.log_file.read_text(errors="replace") if self.log_file.exists() else ""
                last_error = RuntimeError(f"{exc}\n--- server log ---\n{log.strip()}")
                if "could not bind" in log or "already in use" in log:
                    continue
                raise last_error from None
            self.port = port
            return
        assert last_error is not None
        raise last_error
