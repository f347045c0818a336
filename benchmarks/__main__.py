"""Every benchmark of the project, printed as one table: ``python -m benchmarks``.

Each figure stands next to a baseline measured in the same run, with their
ratio; figures are medians of several runs. ``--quick`` uses smaller sizes and
fewer runs. Prints only: timings never fail the command.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import Row, print_table

ROOT = Path(__file__).resolve().parents[1]

#: Modules under benchmarks/ with ``run(quick) -> list[Row]``, in table order.
BENCHMARKS = (
    "bench_start",
    "bench_tree",
    "bench_preview",
    "bench_mapping",
    "bench_live",
)


def _runner(name: str) -> Callable[[bool], list[Row]] | None:
    module = importlib.import_module(f"benchmarks.{name}")
    run = getattr(module, "run", None)
    return run if callable(run) else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="smaller sizes, fewer runs"
    )
    parser.add_argument(
        "only", nargs="*", help="run only these benchmarks (e.g. bench_tree)"
    )
    args = parser.parse_args(argv)
    rows: list[Row] = []
    notes: list[str] = []
    for name in BENCHMARKS:
        if args.only and name not in args.only:
            continue
        started = time.perf_counter()
        print(f"running {name}…", file=sys.stderr, flush=True)
        try:
            run = _runner(name)
            if run is None:
                notes.append(f"{name}: has no run(quick) -> list[Row]; run it alone")
                continue
            rows.extend(run(args.quick))
        except Exception:
            notes.append(f"{name} failed:\n{traceback.format_exc()}")
        print(
            f"  {name} took {time.perf_counter() - started:.0f} s",
            file=sys.stderr,
            flush=True,
        )
    print()
    print_table(rows)
    for note in notes:
        print(f"\nNOTE {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
