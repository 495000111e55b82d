"""One desk's line to the phone system: an AMI client following the signed-in person's device.

``DeskLine(settings, interface, on_event, on_state)`` owns one ``AmiClient`` and one
``DeskEventTracker``; ``start()`` returns at once. The client's thread reads the manager
interface, the tracker turns what concerns this device into ``Ringing``/``Answered``/``MissedRing``/``Ended``, and
``on_event`` gets each of those (``on_state`` each ``ConnectionState``) on that thread: a GUI
hands them on through a queued signal. ``stop()`` does not wait unless asked to.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from ..dtos.telephony_live import ConnectionState, DeskEvent
from .ami_client import AmiClient, AmiSettings
from .ami_protocol import AmiMessage
from .desk_events import DeskEventTracker

log = logging.getLogger(__name__)


class DeskLine:
    def __init__(self, settings: AmiSettings, interface: str,
                 on_event: Callable[[DeskEvent], None],
                 on_state: Callable[[ConnectionState], None]):
        self.interface = interface
        self._on_event = on_event
        self._tracker = DeskEventTracker(interface)
        self._problems_told = 0
        self.client = AmiClient(settings, on_event=self._heard, on_state=on_state)

    def start(self) -> DeskLine:
        self.client.start()
        return self

    def stop(self, timeout: float = 0.0) -> None:
        """Log off and end the client's thread; by default without waiting for it."""
        self.client.stop(timeout)

    @property
    def state(self) -> ConnectionState:
        return self.client.state

    def _heard(self, message: AmiMessage) -> None:
        for event in self._tracker.handle(message):
            self._on_event(event)
        # Each new problem once (an Asterisk too old for the screen pop), in the log.
        for problem in self._tracker.problems[self._problems_told:]:
            log.warning("phone system: %s", problem)
        self._problems_told = len(self._tracker.problems)
