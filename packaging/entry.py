"""The bundle's entry script: the same `contactdesk` command as a source install
(the desktop app by default, the CLI with a subcommand)."""

import sys

from contactdesk.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
