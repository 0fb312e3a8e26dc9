"""The one error type the QS tools show the user: one line, no traceback, exit code 2."""

import sys


class ToolError(Exception):
    """A mistake the user can fix (a missing file, a checkpoint of another shape)."""


def run_main(main):
    """Runs a CLI main(), printing a ToolError as one line on stderr and exiting 2."""
    try:
        code = main()
    except ToolError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
    sys.exit(code or 0)
