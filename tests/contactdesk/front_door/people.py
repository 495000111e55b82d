"""People for the front-door tests, added the way `contactdesk users add` adds them."""

from __future__ import annotations

from contactdesk.auth.credentials import Password
from contactdesk.workspace import Workspace

GOOD = "a kettle, two mugs and the 7:15 from Rotherham"


def signed_in_agent(url: str) -> Workspace:
    """The agent Priya Shah, added by the account running the tests, then signed in."""
    admin = Workspace.for_this_account(url)
    admin.users.add_user("priya", "agent", "Priya Shah", GOOD)
    admin.close()
    return Workspace.open(url, Password("priya", GOOD))
