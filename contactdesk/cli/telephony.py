"""`contactdesk telephony configure|status` and `contactdesk users set-device`: the screen pop's
connection to the phone system (Asterisk's manager interface) and each person's phone."""

from __future__ import annotations

import argparse
import signal
import sys

from ..domain.errors import ContactDeskError, ValidationError
from .commands import open_workspace

EXIT_UNUSABLE = 2
TEST_LOGIN_SECONDS = 5.0


def register(sub) -> None:
    telephony = sub.add_parser("telephony", help="the phone system the desks follow (screen pop)")
    actions = telephony.add_subparsers(dest="telephony_command", parser_class=type(telephony),
                                       metavar="ACTION", required=True)
    configure = actions.add_parser(
        "configure", help="set the manager interface (AMI) account the desks log in with "
                          "(administrators)")
    configure.add_argument("--ami-host", required=True, metavar="HOST",
                           help="the phone system's name or IP address")
    configure.add_argument("--ami-port", default="5038", metavar="PORT",
                           help="the manager interface's TCP port (default 5038)")
    configure.add_argument("--ami-user", required=True, metavar="USER",
                           help="the manager account, as named in Asterisk's manager.conf")
    configure.add_argument("--ami-secret-stdin", action="store_true",
                           help="read the account's secret from one line of standard input")
    configure.set_defaults(handler=telephony_configure)
    status = actions.add_parser("status", help="the connection (never its secret) and whether a "
                                               "test login works")
    status.add_argument("--timeout", type=float, default=TEST_LOGIN_SECONDS, metavar="SECONDS",
                        help=f"how long the test login may take (default {TEST_LOGIN_SECONDS:g})")
    status.set_defaults(handler=telephony_status)
    _register_simulate(actions)


def register_set_device(users_sub) -> None:
    device = users_sub.add_parser("set-device", help="the phone a user answers, for the screen pop")
    device.add_argument("username")
    which = device.add_mutually_exclusive_group(required=True)
    which.add_argument("--interface", metavar="TECH/RESOURCE",
                       help="the queue member interface, e.g. PJSIP/1001")
    which.add_argument("--clear", action="store_true", help="the user has no phone of their own")
    device.set_defaults(handler=users_set_device)


def _refused(exc: ValidationError) -> int:
    print(f"contactdesk: {' '.join(issue.message for issue in exc.issues)}", file=sys.stderr)
    return EXIT_UNUSABLE


def telephony_configure(args) -> int:
    if not args.ami_secret_stdin:
        raise ContactDeskError("give the account's secret on standard input with "
                               "--ami-secret-stdin (never on the command line, where other "
                               "users of this computer can read it)")
    secret = sys.stdin.readline().rstrip("\r\n")
    if not secret:
        raise ContactDeskError("--ami-secret-stdin: nothing on standard input: pipe the secret in")
    workspace = open_workspace(args)
    try:
        shown = workspace.telephony.configure_telephony(args.ami_host, args.ami_port,
                                                        args.ami_user, secret)
    except ValidationError as exc:
        return _refused(exc)
    finally:
        workspace.close()
    print(f"The desks log in to the phone system at {shown.host}:{shown.port} as {shown.username} "
          "(secret stored; check it with `contactdesk telephony status`).")
    return 0


def telephony_status(args) -> int:
    workspace = open_workspace(args)
    try:
        shown = workspace.telephony.telephony_settings()
        connection = workspace.telephony.ami_connection() if shown.configured else None
    finally:
        workspace.close()
    if connection is None:
        print("Telephony is not configured: numbers are typed by hand. An administrator sets it "
              "with `contactdesk telephony configure`.")
        return 0
    changed = shown.secret_changed_at.strftime("%Y-%m-%d %H:%M UTC") \
        if shown.secret_changed_at else "unknown"
    print(f"Phone system: {shown.host}:{shown.port}, manager account {shown.username}, "
          f"secret set (last changed {changed}).")
    problem = _test_login(connection, max(args.timeout, 0.1))
    if problem:
        print(f"contactdesk: test login failed: {problem}", file=sys.stderr)
        return EXIT_UNUSABLE
    print("Test login: accepted.")
    return 0


def _test_login(connection, timeout: float) -> str | None:
    """Log in once and off again, within ``timeout``; a sentence when that fails."""
    from ..telephony.ami_client import AmiClient, AmiSettings

    client = AmiClient(
        AmiSettings(connection.host, connection.port, connection.username, connection.secret,
                    connect_timeout=timeout, action_timeout=timeout, max_retry=timeout),
        on_event=lambda _message: None, on_problem=lambda _reason: None)
    client.start()
    try:
        client.wait_connected(timeout)
    except ContactDeskError as exc:
        reason = client.state.reason
        return f"{str(exc).rstrip('.')}{f' ({reason})' if reason and reason not in str(exc) else ''}."
    finally:
        client.stop(timeout=1.0)
    return None


def users_set_device(args) -> int:
    workspace = open_workspace(args)
    try:
        user = workspace.users.set_device(args.username, None if args.clear else args.interface)
    except ValidationError as exc:
        return _refused(exc)
    finally:
        workspace.close()
    if args.clear:
        print(f"{user.username} has no phone of their own: numbers are typed by hand at "
              "their desk.")
    else:
        print(f"{user.username} answers {args.interface.strip()}: its queue calls pop up at "
              "their desk.")
    return 0


def _register_simulate(actions) -> None:
    # The defaults of PracticeSettings, without importing the simulator to build the parser.
    d = argparse.Namespace(host="127.0.0.1", port=5038, rate=2.0, queue="streetpride",
                           ring_seconds=4.0, talk_seconds=60.0)
    simulate = actions.add_parser(
        "simulate", help="a practice phone system on this computer: queues demo callers and "
                         "rings the desks' devices (training; stop with Ctrl+C)")
    simulate.add_argument("--port", type=int, default=d.port, metavar="P",
                          help=f"the port to listen on (default {d.port}; 0 picks a free one)")
    simulate.add_argument("--listen", default=d.host, metavar="ADDRESS",
                          help=f"the address to listen on (default {d.host}, this computer "
                               "only; another address lets desks on other computers in)")
    simulate.add_argument("--rate", type=float, default=d.rate, metavar="CALLS_PER_MINUTE",
                          help=f"calls a minute, on average (default {d.rate:g})")
    simulate.add_argument("--queue", default=d.queue, metavar="NAME",
                          help=f"the queue the callers wait in (default {d.queue})")
    simulate.add_argument("--ring-seconds", type=float, default=d.ring_seconds, metavar="N",
                          help="how long a device rings before the practice phone answers "
                               f"(default {d.ring_seconds:g})")
    simulate.add_argument("--talk-seconds", type=float, default=d.talk_seconds, metavar="N",
                          help=f"how long each caller talks (default {d.talk_seconds:g})")
    simulate.add_argument("--queue-log", metavar="PATH",
                          help="also append the calls to this Asterisk queue_log, for "
                               "`contactdesk import-calls PATH`")
    simulate.set_defaults(handler=telephony_simulate)


def telephony_simulate(args) -> int:
    from pathlib import Path

    from ..telephony.simulated_calls import demo_callers, practice_devices
    from ..telephony.simulator import LOOPBACK, ManagerAccount, PracticePbx, PracticeSettings

    if args.rate <= 0 or args.ring_seconds < 0 or args.talk_seconds < 0:
        raise ContactDeskError("--rate must be above 0 and the ring and talk times 0 or more")
    if not args.queue.strip() or any(c in args.queue.strip() for c in "| \t\r\n"):
        raise ContactDeskError(f"--queue {args.queue!r} is not a queue name: one word, no '|'")
    workspace = open_workspace(args)
    try:
        connection = workspace.telephony.ami_connection()
        if connection is None:
            raise ContactDeskError(
                "telephony is not configured, so no desk would connect: first run `contactdesk "
                f"telephony configure --ami-host 127.0.0.1 --ami-port {args.port or 5038} "
                "--ami-user practice --ami-secret-stdin` (on a training database)")
        callers = demo_callers(workspace.ctx)
        settings = PracticeSettings(args.listen, args.port, args.rate, args.queue.strip(),
                                    args.ring_seconds, args.talk_seconds)
        pbx = PracticePbx(ManagerAccount(connection.username, connection.secret), settings,
                          lambda: practice_devices(workspace.ctx), callers,
                          Path(args.queue_log) if args.queue_log else None,
                          say=lambda line: print(line, flush=True))
        pbx.start()
        print(f"Practice phone system listening on {args.listen}:{pbx.port} (Asterisk 18 manager "
              f"interface), about {args.rate:g} calls a minute on {settings.queue}; Ctrl+C "
              "stops it.", flush=True)
        if args.listen not in LOOPBACK:
            print(f"Warning: listening on {args.listen}, not this computer only: any computer "
                  "that reaches it can try the manager account, sent unencrypted.", flush=True)
        if connection.port != pbx.port or (args.listen in LOOPBACK
                                           and connection.host not in LOOPBACK):
            print(f"Note: the desks are configured for {connection.host}:{connection.port}, "
                  "not this practice phone system; they will not connect to it.", flush=True)
        if not practice_devices(workspace.ctx):
            print("Note: nobody has a device yet: set one with `contactdesk users set-device "
                  "NAME --interface PJSIP/1001`.", flush=True)
        signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops it as cleanly as Ctrl+C
        try:
            pbx.wait()
        except KeyboardInterrupt:
            pass
        finally:
            pbx.stop()
        if pbx.failure:
            raise ContactDeskError(f"the practice phone system stopped on a fault: {pbx.failure}")
        print(f"Practice phone system stopped: {pbx.queue.calls_answered} calls answered, "
              f"{pbx.queue.calls_abandoned} abandoned.")
        return 0
    finally:
        workspace.close()


def _interrupt(_signum, _frame) -> None:
    raise KeyboardInterrupt
