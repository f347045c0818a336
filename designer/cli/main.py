"""The ``sync-designer`` command: the window, and headless subcommands over the core."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from designer import __version__

#: Modules under designer.cli that each add subcommands with ``register(sub)``.
#: A module sets ``func`` on its parsers: ``func(args) -> int`` (the exit code).
SUBCOMMAND_MODULES: tuple[str, ...] = ("core", "live", "webhook")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sync-designer",
        description="Design, check and test the sync block of Karzoun MiniApps.",
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}"
    )
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="more log output on stderr"
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="open the window on the bundled sample, paint it once and exit (checks)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    opener = sub.add_parser(
        "open",
        help="open the designer window on a MiniApp (the default: the Salla sample)",
        description="Open the designer window on a MiniApp (.js or .json).",
    )
    opener.add_argument("file", type=Path, nargs="?", help="the MiniApp file")
    opener.add_argument("--smoke", action="store_true", help=argparse.SUPPRESS)
    opener.set_defaults(func=_open_window)
    for name in SUBCOMMAND_MODULES:
        module = importlib.import_module(f"designer.cli.{name}")
        module.register(sub)
    return parser


def _open_window(args: argparse.Namespace) -> int:
    from designer.ui.app import run

    argv = [str(args.file)] if getattr(args, "file", None) else []
    if args.smoke:
        argv.append("--smoke")
    return run(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if args_list and not args_list[0].startswith("-") and Path(args_list[0]).is_file():
        # ``sync-designer FILE``, as a desktop entry or a file manager calls it.
        args_list.insert(0, "open")
    args = parser.parse_args(args_list)
    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    # httpx logs every request at INFO; that is noise for a command line.
    logging.getLogger("httpx").setLevel(max(level, logging.WARNING))
    func = getattr(args, "func", None)
    if func is None:
        func = _open_window
        args.file = None
    try:
        return int(func(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (``| head``); say nothing more to it.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
