"""Printing a report: the PDF itself goes to the printer, not a picture of its pages.

The person chooses a printer in Qt's print dialog; the PDF the Save button
writes (vector text, embedded font) is then handed to the system's spooler
off the GUI thread: CUPS ``lp -d PRINTER FILE`` on Linux and macOS (CUPS
takes PDF), the shell's ``print`` verb on Windows. "Print to file" copies the
PDF. Every outcome is one sentence for the status line.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtPrintSupport import QPrintDialog, QPrinter

# A spooler that has not answered by then is stuck (a hung CUPS, a dead network printer).
SPOOLER_TIMEOUT_S = 60


class PrintingFailed(Exception):
    """Printing did not happen; the message says why in one sentence."""


@dataclass(frozen=True)
class PrintJob:
    pdf: Path
    title: str
    printer: str = ""  # empty: the system's default printer
    copies: int = 1
    to_file: Path | None = None  # "print to file": where the PDF goes instead


def job_from_printer(printer: QPrinter, pdf: Path, title: str) -> PrintJob:
    """What the person chose in the print dialog, as a job for ``send``."""
    to_file = None
    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and printer.outputFileName():
        to_file = Path(printer.outputFileName())
    return PrintJob(pdf, title, printer.printerName(), max(1, printer.copyCount()), to_file)


def print_dialog(printer: QPrinter, parent) -> QPrintDialog:
    """The dialog offers what the spooler can honour: a printer, copies, or a file."""
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("Print report")
    for option in (QPrintDialog.PrintDialogOption.PrintPageRange,
                   QPrintDialog.PrintDialogOption.PrintCurrentPage,
                   QPrintDialog.PrintDialogOption.PrintSelection):
        dialog.setOption(option, False)
    dialog.setOption(QPrintDialog.PrintDialogOption.PrintToFile, True)
    return dialog


def find_spooler() -> str | None:
    return shutil.which("lp")


def send(job: PrintJob, spooler: str | None = None) -> str:
    """Print ``job`` (blocking: call it on a worker thread); the sentence to show.

    ``spooler`` is the ``lp`` program to run (found on the PATH when not given).
    Raises PrintingFailed with a sentence when nothing was printed.
    """
    if job.to_file is not None:
        return _copy_to_file(job)
    if sys.platform == "win32" and spooler is None:
        return _windows_print(job)
    spooler = spooler or find_spooler()
    if not spooler:
        raise PrintingFailed("Could not print: this computer has no print spooler (the `lp` "
                             "command of CUPS). Save the PDF and print it from another program.")
    command = [spooler, "-t", job.title, "-n", str(job.copies)]
    if job.printer:
        command += ["-d", job.printer]
    command.append(str(job.pdf))
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=SPOOLER_TIMEOUT_S,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise PrintingFailed(f"Could not print: the print spooler gave no answer within "
                             f"{SPOOLER_TIMEOUT_S} seconds. Check the printer and try again.") from None
    except OSError as exc:
        raise PrintingFailed(f"Could not print: the print spooler could not be started "
                             f"({exc.strerror or exc}).") from None
    if done.returncode != 0:
        reason = _first_line(done.stderr) or f"it stopped with code {done.returncode}"
        where = f"to {job.printer}" if job.printer else "to the default printer"
        raise PrintingFailed(f"Could not print {where}: {reason}.")
    where = job.printer or "the default printer"
    copies = f"{job.copies} copies" if job.copies > 1 else "the report"
    return f"Sent {copies} to {where}."


def _copy_to_file(job: PrintJob) -> str:
    target = job.to_file
    if target.suffix.lower() != ".pdf":
        target = target.with_suffix(".pdf")
    try:
        shutil.copyfile(job.pdf, target)
    except OSError as exc:
        raise PrintingFailed(f"Could not print to {target}: {exc.strerror or exc}. "
                             "Choose a folder you can write to.") from None
    return f"Printed to the file {target}."


def _windows_print(job: PrintJob) -> str:  # pragma: no cover - Windows only
    try:
        if job.printer:
            os.startfile(str(job.pdf), "printto", f'"{job.printer}"')
        else:
            os.startfile(str(job.pdf), "print")
    except OSError as exc:
        raise PrintingFailed(f"Could not print: Windows has no program to print PDF files "
                             f"({exc.strerror or exc}). Save the PDF and print it from your "
                             "PDF reader.") from None
    return f"Sent the report to {job.printer or 'the default printer'}."


def _first_line(text: str) -> str:
    for line in (text or "").splitlines():
        if line.strip():
            return line.strip().rstrip(".")
    return ""
