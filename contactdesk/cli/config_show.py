"""`contactdesk config show`: which settings files exist, what each sets, and what is in effect."""

from __future__ import annotations

from ..config import choose_database, describe_database
from ..system_config import KNOWN_SETTINGS, setting, settings_files


def register(sub) -> None:
    config = sub.add_parser("config", help="settings files (system-wide and your own)")
    actions = config.add_subparsers(dest="config_command", parser_class=type(config),
                                    metavar="ACTION", required=True)
    actions.add_parser("show", help="where the settings come from and what is in effect") \
        .set_defaults(handler=show)


def show(args) -> int:
    files = settings_files()
    print("Settings files (read in this order; a later file overrides an earlier one):")
    for file in files:
        print(f"  {file.scope} settings: {file.describe()}")
        for name, value in file.values.items():
            shown = describe_database(str(value)) if name == "database.url" else value
            print(f"      {name} = {shown}")
    choice = choose_database(args.db, files)
    print("In effect:")
    print(f"  database: {describe_database(choice.url)}  (from {choice.source})")
    for name in KNOWN_SETTINGS:
        if name == "database.url":
            continue
        found = setting(name, files)
        if found:
            print(f"  {name}: {found[0]}  (from {found[1].scope} settings file)")
    return 0
