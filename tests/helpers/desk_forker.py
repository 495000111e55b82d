"""Desks to kill: one process that has imported the app forks a fresh desk on request.

    python -m tests.helpers.desk_forker

A kill test needs a hundred real processes killed part-way; starting Python and
importing the app for each would take a second apiece, so this process imports once
and forks. Each child opens the database itself (nothing is shared across the fork)
and saves calls as ``tests.helpers.desk_writer`` does, printing ``saved REFERENCE``
as each save returns.

Commands, one per line on stdin:

``warm URL``         save one call on a spare database here, so every child starts with the
                     app's first-use work done (as a desk that has been open a while);
                     replies ``warm``.
``URL AGENT COUNT``  fork a desk; replies ``child PID``, then the child's own lines follow.
``reap PID``         wait for that child to end (the test has killed it); replies ``reaped PID``.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys

from tests.helpers import desk_writer


def serve() -> None:
    print("ready", flush=True)
    for line in sys.stdin:
        words = line.split()
        if words[:1] == ["warm"]:
            with contextlib.redirect_stdout(io.StringIO()):
                desk_writer.main(words[1], "warm.up", 1)
            print("warm", flush=True)
            continue
        if words[:1] == ["reap"]:
            os.waitpid(int(words[1]), 0)
            print(f"reaped {words[1]}", flush=True)
            continue
        url, agent, count = words
        sys.stdout.flush()  # nothing buffered may be printed twice by the child
        pid = os.fork()
        if pid == 0:
            # Line-buffered, so each "saved" line is one write a kill cannot split.
            sys.stdout = open(1, "w", buffering=1, closefd=False)  # noqa: SIM115
            os._exit(desk_writer.main(url, agent, int(count)))
        print(f"child {pid}", flush=True)


if __name__ == "__main__":
    serve()
