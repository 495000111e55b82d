"""One desk's line to the phone system: an AMI client following the signed-in person's device.

``DeskLine(settings, interface, on_event, on_state)`` owns one ``AmiClient`` and one
``DeskEventTracker``; ``start()`` returns at once. The client's thread reads the manager
interface, the tracker turns what concerns this device into ``Ringing``/``Answered``/``MissedRing``/``Ended``, and
``on_event`` gets each of those (``on_state`` each ``ConnectionState``) on that thread: a GUI
hands them on through a queued signal. ``stop()`` does not wait unless asked to.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from ..domain.errors import ContactDeskError
from ..dtos.telephony_live import CONNECTED, ConnectionState, DeskEvent
from .ami_client import AmiClient, AmiSettings
from .ami_protocol import AmiMessage
from .desk_events import DeskEventTracker

log = logging.getLogger(__name__)


# After each login the desk says which device it follows (a UserEvent): the practice phone
# system rings only devices whose desks are there; a real Asterisk either passes the event on
# harmlessly or refuses it to an account without the "user" write right.
DESK_DEVICE_EVENT = "DeskDevice"


class DeskLine:
    def __init__(self, settings: AmiSettings, interface: str,
                 on_event: Callable[[DeskEvent], None],
                 on_state: Callable[[ConnectionState], None], *, announce: bool = True):
        self.interface = interface
        self._on_event = on_event
        self._on_state = on_state
        self._announce = announce
        self.announced = threading.Event()  # set once the phone system took the announcement
        self._tracker = DeskEventTracker(interface)
        self._problems_told = 0
        self.client = AmiClient(settings, on_event=self._heard, on_state=self._state_changed)

    def start(self) -> DeskLine:
        self.client.start()
        return self

    def stop(self, timeout: float = 0.0) -> None:
        """Log off and end the client's thread; by default without waiting for it."""
        self.client.stop(timeout)

    @property
    def state(self) -> ConnectionState:
        return self.client.state

    def _state_changed(self, state: ConnectionState) -> None:
        if state.kind == CONNECTED:
            # Calls begun before a drop may never be ended by events: start afresh.
            self._tracker = DeskEventTracker(self.interface)
        if state.kind == CONNECTED and self._announce:
            # Not on the client's own thread: an action waits for its response there.
            threading.Thread(target=self._say_device, name="desk-device", daemon=True).start()
        self._on_state(state)

    def _say_device(self) -> None:
        try:
            self.client.send_action("UserEvent", {"UserEvent": DESK_DEVICE_EVENT,
                                                  "Interface": self.interface}, timeout=5)
            self.announced.set()
        except ContactDeskError as exc:  # refused or gone: the screen pop works without it
            log.info("phone system: the desk's device was not announced: %s", exc)

    def _heard(self, message: AmiMessage) -> None:
        for event in self._tracker.handle(message):
            self._on_event(event)
        # Each new problem once (an Asterisk too old for the screen pop), in the log.
        for problem in self._tracker.problems[self._problems_told:]:
            log.warning("phone system: %s", problem)
        self._problems_told = len(self._tracker.problems)
