"""``sync-designer sync`` (a dry-run bulk sync) and ``sync-designer mock-provider``."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys
from pathlib import Path
from typing import Any

from designer.core.live import (
    CredentialStore,
    LiveError,
    LiveSession,
    PageFetched,
    PageSettings,
    Retrying,
    SyncSummary,
    credential_keys,
    credentials_from_env,
)
from designer.core.live.credentials import DEFAULT_TOKEN_ENV, env_name
from designer.core.live.events import DetailFetched, LiveEvent
from designer.core.live.mock_provider import (
    add_arguments,
    make_mock_provider,
    options_from_args,
)
from designer.core.model import MiniApp
from designer.core.source import SourceError, load_miniapp


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sync = sub.add_parser(
        "sync",
        help="fetch every page of one resource (a dry run: nothing is written)",
        description=(
            "Fetch one resource through the MiniApp's sync block and report what "
            "came back. Credentials for [[key]] placeholders come from "
            f"SYNC_DESIGNER_<KEY>, then --token-env (default {DEFAULT_TOKEN_ENV}), "
            "then the system keyring."
        ),
    )
    sync.add_argument("manifest", metavar="MANIFEST", help="the MiniApp file")
    sync.add_argument("--resource", required=True, metavar="NAME")
    sync.add_argument("--base-url", metavar="URL", help="use instead of sync.baseUrl")
    sync.add_argument("--max-pages", type=int, metavar="N", help="stop after N pages")
    sync.add_argument("--page-param", default="page", help="page number parameter")
    sync.add_argument("--first-page", type=int, default=1, help="first page number")
    sync.add_argument("--token-env", default=DEFAULT_TOKEN_ENV, metavar="VAR")
    sync.add_argument(
        "--ask",
        action="store_true",
        help="ask for missing credentials (kept in keyring)",
    )
    sync.add_argument("--json", action="store_true", help="print the summary as JSON")
    sync.set_defaults(func=run_sync)

    mock = sub.add_parser(
        "mock-provider",
        help="serve sample data like a store API on 127.0.0.1",
        description="Serve SAMPLES_DIR/<resource>.json as a paginated store API.",
    )
    add_arguments(mock)
    mock.set_defaults(func=run_mock_provider)


def _load_document(path: Path) -> dict[str, Any]:
    """The MiniApp document (JS object literal or JSON) read from ``path``."""
    return load_miniapp(path).document


def _progress(event: LiveEvent) -> None:
    if isinstance(event, PageFetched):
        print(
            f"page {event.n}: {event.records} records, HTTP {event.status}, "
            f"{event.elapsed:.2f} s  {event.url}",
            file=sys.stderr,
        )
    elif isinstance(event, Retrying):
        print(
            f"retry {event.attempt} in {event.wait:.1f} s: {event.reason}",
            file=sys.stderr,
        )
    elif isinstance(event, DetailFetched):
        print(f"  details {event.record_id!r}: HTTP {event.status}", file=sys.stderr)


def run_sync(args: argparse.Namespace) -> int:
    path = Path(args.manifest)
    try:
        miniapp = MiniApp.from_document(_load_document(path))
    except SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if miniapp.sync is None:
        print(f"error: {path} has no sync block", file=sys.stderr)
        return 1
    resource = miniapp.sync.resources.get(args.resource)
    keys = credential_keys(miniapp.sync, resource)
    credentials: dict[str, str] = credentials_from_env(keys, token_env=args.token_env)
    missing = [k for k in keys if k not in credentials]
    if missing:
        store = CredentialStore(miniapp.namespace or path.stem)
        ask = (
            (lambda key: getpass.getpass(f"{key}: ") or None)
            if args.ask and sys.stdin.isatty()
            else None
        )
        credentials.update(store.resolve(missing, ask))
    missing = [k for k in keys if k not in credentials]
    if missing:
        names = ", ".join(f"[[{k}]] (set {env_name(k)})" for k in missing)
        print(
            f"warning: no value for {names}; "
            f"or set {args.token_env} for one credential",
            file=sys.stderr,
        )

    settings = PageSettings(args.page_param, args.first_page, args.max_pages)

    async def go() -> Any:
        async with LiveSession(
            miniapp.sync,  # type: ignore[arg-type]
            credentials=credentials,
            page_settings=settings,
            progress=_progress,
            base_url=args.base_url,
        ) as session:
            return await session.run(args.resource, into=partial)

    # Filled as the run goes, so that Ctrl-C still reports what was fetched.
    partial = SyncSummary(resource=args.resource)
    try:
        summary = asyncio.run(go())
    except LiveError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        partial.cancelled = True
        partial.stopped_because = partial.stopped_because or "interrupted (Ctrl-C)"
        print("interrupted: the summary covers what was fetched", file=sys.stderr)
        _print_summary(partial, as_json=args.json)
        return 130
    _print_summary(summary, as_json=args.json)
    return 0 if summary.ok else 1


def _print_summary(summary: SyncSummary, *, as_json: bool) -> None:
    if as_json:
        print(json.dumps(summary.to_json(), indent=2, ensure_ascii=False))
    else:
        total = "?" if summary.total is None else summary.total
        print(
            f"{summary.resource}: {summary.records} records (total {total}) from "
            f"{summary.pages} pages, {summary.requests} requests, {summary.retries} "
            f"retries, {summary.duplicates} duplicates in {summary.seconds:.2f} s"
        )
        print(f"stopped: {summary.stopped_because}")
        for error in summary.errors:
            print(f"error: {error}")


def run_mock_provider(args: argparse.Namespace) -> int:
    try:
        provider = make_mock_provider(
            args.samples_dir, options_from_args(args), port=args.port
        )
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"mock provider serving {args.samples_dir} at {provider.url}", flush=True)
    print("Ctrl-C stops it.", file=sys.stderr, flush=True)
    try:
        provider.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        provider.stop_serving()
    return 0
