"""What a telephony log import takes and returns: plain values."""

from __future__ import annotations

from dataclasses import dataclass

FORMATS = ("asterisk-queue-log", "csv")
DEFAULT_SOURCES = {"asterisk-queue-log": "asterisk", "csv": "csv"}


@dataclass(frozen=True)
class CallImportSummary:
    source: str
    file: str
    first_line: int  # 1, or where an earlier import of this file stopped + 1
    lines_read: int
    events: int
    attempts_created: int
    attempts_closed: int
    attempts_waiting: int  # created with no outcome yet: an import that sees it closes it
    duplicates_skipped: int
    agent_events: int
    ignored_events: int
    bad_lines: int
    problems: tuple[tuple[int, str], ...]  # (line, reason), the first 20 by line
    unfinished_line: bool = False  # the last line had no line end yet and was left for later
    also_in: str | None = None  # another feed that already holds these calls

    def lines(self) -> list[str]:
        """The summary as a person reads it (the CLI and the import dialog)."""
        where = f" from line {self.first_line}" if self.first_line > 1 else ""
        text = [
            f"{self.file} ({self.source}): {self.lines_read} lines read{where}, "
            f"{self.events} events",
            f"attempts: {self.attempts_created} new, {self.attempts_closed} closed, "
            f"{self.attempts_waiting} still waiting; {self.duplicates_skipped} duplicates skipped",
            f"agent and system events: {self.agent_events} new; "
            f"{self.ignored_events} other events ignored",
            f"bad lines: {self.bad_lines}",
        ]
        text += [f"line {line}: {reason}" for line, reason in self.problems]
        if self.bad_lines > len(self.problems):
            text.append(f"... and {self.bad_lines - len(self.problems)} more")
        if self.also_in:
            text.append(f"warning: these calls are already stored as feed '{self.also_in}'; "
                        "the figures add feeds together, so they now count twice (import them "
                        f"with --source {self.also_in})")
        if self.unfinished_line:
            text.append("the last line has no line end yet (the log may still be being "
                        f"written): the next import reads it from line "
                        f"{self.first_line + self.lines_read}; "
                        "if the file is finished, import it again with --complete")
        return text
