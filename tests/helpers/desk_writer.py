"""A desk saving calls in its own process, as many desks do at once against one database.

    python -m tests.helpers.desk_writer URL AGENT COUNT

Saves COUNT calls as AGENT through the front door's operations and prints
``saved REFERENCE`` as each save returns (flushed, so a process killed part-way
has told exactly what it saved). A failure prints ``error MESSAGE`` and exits 1.
"""

from __future__ import annotations

import sys
import uuid

from contactdesk.domain.errors import ContactDeskError
from contactdesk.dtos.calls import CallInput
from contactdesk.persistence.database import Database
from contactdesk.workspace import Workspace
from tests.helpers.contexts import person

STREETS = ("Wellgate", "High Street", "Psalters Lane", "Moorgate Road", "Badsley Moor Lane")


def main(url: str, agent: str, count: int) -> int:
    database = Database.open(url)
    workspace = Workspace(database, person(database, "agent", agent))
    try:
        for number in range(count):
            data = CallInput(
                caller_phone=f"01709 8{number % 10}{len(agent) % 10}{number:03d}"[:13],
                caller_name=f"Caller {agent} {number}", category="Fly tipping",
                address=f"{number + 1} {STREETS[number % len(STREETS)]}, Rotherham",
                description=f"Rubbish dumped, report {uuid.uuid4().hex[:8]}")
            saved = workspace.calls.log_call(data)
            print(f"saved {saved.reference} {data.idempotency_key}", flush=True)
    except ContactDeskError as exc:
        print(f"error {exc}", flush=True)
        return 1
    finally:
        workspace.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
