"""The frozen program's entry: the ``sync-designer`` command, window included.

The window words (no arguments, ``open FILE``, a payload file, ``--smoke``)
go to ``designer.ui.app.run``; everything else (``--version``, ``check``,
``sync``, ...) to the CLI's ``main()``.
"""

from __future__ import annotations

import sys

#: First arguments that mean "open the window".
WINDOW_WORDS = frozenset({"open", "--smoke"})
PAYLOAD_SUFFIXES = (".json", ".js")


def opens_window(argv: list[str]) -> bool:
    """Whether ``argv`` (program name excluded) asks for the window."""
    return not argv or argv[0] in WINDOW_WORDS or argv[0].endswith(PAYLOAD_SUFFIXES)


def route(argv: list[str]) -> int:
    # The window words go straight to the window: the frozen program then does
    # not import the CLI's subcommand modules before showing it.
    if opens_window(argv):
        from designer.ui.app import run

        return run(argv)
    from designer.cli.main import main

    return main(argv)


if __name__ == "__main__":
    sys.exit(route(sys.argv[1:]))
