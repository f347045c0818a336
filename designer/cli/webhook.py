"""``webhook``, ``listen`` and ``send``: the webhook workbench without a window."""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
from pathlib import Path
from typing import Any

from designer.core.model import MiniApp
from designer.core.source import SourceError, load_miniapp
from designer.core.webhook import Delivery, Headers, WebhookResult, process
from designer.core.webhook.receiver import (
    DEFAULT_MAX_BODY,
    ReceivedDelivery,
    ReceiverError,
    start_receiver,
)
from designer.core.webhook.results import VerificationStatus
from designer.core.webhook.send import SendError, send


class CliError(Exception):
    """A problem with the command's input; printed, exit code 2."""


WEBHOOK_EPILOG = """\
exit codes:
  0  the signature is valid (or not checked) and a handler matches the event
  1  the signature is invalid, or no event was found, or no handler matches it
  2  the manifest, the payload or an argument cannot be used
"""


def _load_app(path: str) -> MiniApp:
    try:
        source = load_miniapp(path)
    except SourceError as exc:
        raise CliError(str(exc)) from exc
    return MiniApp.from_document(source.document)


def _secrets(app: MiniApp, env_name: str | None) -> dict[str, str]:
    """The secret from ``env_name`` stored under the verification's secretKey."""
    if env_name is None:
        return {}
    value = os.environ.get(env_name)
    if value is None:
        raise CliError(f"environment variable {env_name} is not set")
    verification = app.webhook.verification if app.webhook else None
    if verification is None or not verification.secret_key:
        print(
            "note: the MiniApp names no verification.secretKey; the secret is unused",
            file=sys.stderr,
        )
        return {}
    return {verification.secret_key: value}


def _read_payload(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read payload {path}: {exc.strerror or exc}") from exc


def _headers(lines: list[str] | None) -> Headers:
    try:
        return Headers.parse_lines(lines or [])
    except ValueError as exc:
        raise CliError(str(exc)) from exc


def summary_json(result: WebhookResult) -> dict[str, Any]:
    """The ``--json`` output: the fields scripts rely on, then the rest."""
    full = result.to_json()
    return {
        "event": full["event"],
        "eventSource": full["eventSource"],
        "verification": full["verification"],
        "transactionId": full["transactionId"],
        "customer": full["customer"],
        "handler": full["handler"],
        "handlerShape": full["handlerShape"],
        "operation": full["operation"],
        "record": full["record"],
        "fields": full["fields"],
        "bodyError": full["bodyError"],
        "diagnostics": full["diagnostics"],
    }


def _print_result(result: WebhookResult) -> None:
    v = result.verification
    if result.event is None:
        print("event: not found in this delivery")
    else:
        print(f"event: {result.event} ({result.event_source or 'given'})")
    print(f"verification: {v.status}: {v.reason}")
    if result.transaction_id is not None:
        t = result.transaction_id
        print(f"transactionId: {t.value}{' (generated)' if t.generated else ''}")
    if result.customer is not None:
        c = result.customer
        if c.found:
            print(f"customer: {json.dumps(c.values, ensure_ascii=False)}")
        else:
            print(f"customer: none at {c.base_path or 'the payload root'}")
    if result.handler is None:
        print("handler: none")
    else:
        print(
            f"handler: {result.handler} ({result.handler_shape}), "
            f"operation {result.operation}"
        )
    for f in result.fields:
        shown = json.dumps(f.value, ensure_ascii=False) if f.present else "-"
        print(f"  {f.field}: {shown}  [{f.status}; {'; '.join(f.trace)}]")
    for d in result.diagnostics:
        print(str(d))


def _exit_code(result: WebhookResult) -> int:
    return 0 if result.ok else 1


def _run_webhook(args: argparse.Namespace) -> int:
    app = _load_app(args.manifest)
    delivery = Delivery.from_bytes(
        _read_payload(args.payload), headers=_headers(args.header), url=args.url
    )
    result = process(
        app, delivery, secrets=_secrets(app, args.secret_env), event_override=args.event
    )
    if args.json:
        print(json.dumps(summary_json(result), ensure_ascii=False, indent=2))
    else:
        _print_result(result)
    return _exit_code(result)


def delivery_line(received: ReceivedDelivery) -> str:
    """One line about one delivery, for ``listen``."""
    r = received.result
    d = received.delivery
    ok = sum(1 for f in r.fields if f.present)
    parts = [
        f"#{received.number}",
        f"{d.method} {d.path}",
        f"-> {received.status_code}",
        f"event={r.event}",
        f"verification={r.verification.status}",
        f"handler={r.handler}",
        f"fields={ok}/{len(r.fields)}",
    ]
    if r.transaction_id is not None:
        parts.append(f"transactionId={r.transaction_id.value}")
    if received.challenge:
        parts.append("challenge answered")
    if r.verification.status == VerificationStatus.INVALID:
        parts.append(f"({r.verification.reason})")
    errors = [d.code for d in r.diagnostics if d.severity == "error"]
    if errors:
        parts.append("errors=" + ",".join(errors))
    return " ".join(parts)


def _run_listen(args: argparse.Namespace) -> int:
    app = _load_app(args.manifest)
    done = threading.Event()
    lock = threading.Lock()
    seen = 0

    def on_delivery(received: ReceivedDelivery) -> None:
        nonlocal seen
        with lock:
            if args.json:
                line = {"number": received.number, "status": received.status_code}
                line.update(summary_json(received.result))
                print(json.dumps(line, ensure_ascii=False), flush=True)
            else:
                print(delivery_line(received), flush=True)
            seen += 1
            if args.count and seen >= args.count:
                done.set()

    try:
        receiver = start_receiver(
            app,
            port=args.port,
            secrets=_secrets(app, args.secret_env),
            on_delivery=on_delivery,
            max_body=args.max_body,
            save_dir=args.save_dir,
        )
    except ReceiverError as exc:
        raise CliError(str(exc)) from exc
    print(f"listening on {receiver.url}", flush=True)
    try:
        while not done.wait(0.2):
            pass
    finally:
        receiver.stop()
    return 0


def _run_send(args: argparse.Namespace) -> int:
    app = _load_app(args.manifest)
    body = _read_payload(args.payload)
    extra = dict(_headers(args.header).items())
    try:
        response = send(
            app,
            body,
            args.to,
            secrets=_secrets(app, args.secret_env),
            event=args.event,
            headers=extra,
        )
    except SendError as exc:
        raise CliError(str(exc)) from exc
    except Exception as exc:  # httpx.HTTPError and OS errors: say what failed
        print(f"error: cannot send to {args.to}: {exc}", file=sys.stderr)
        return 1
    print(f"{response.status_code} {response.reason_phrase}")
    if response.content:
        print(response.text)
    return 0 if response.is_success else 1


def _guard(run: Any) -> Any:
    def wrapped(args: argparse.Namespace) -> int:
        try:
            return int(run(args))
        except CliError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2

    return wrapped


def register(sub: Any) -> None:
    """Add ``webhook``, ``listen`` and ``send`` to the ``sync-designer`` command."""
    secret_help = (
        "environment variable holding the secret named by verification.secretKey"
    )
    p = sub.add_parser(
        "webhook",
        help="verify, route and map one webhook payload",
        description="Process one saved payload as the platform would: verify its "
        "signature, read the event, transaction id and customer, pick the handler "
        "and map the record.",
        epilog=WEBHOOK_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("manifest", metavar="MANIFEST", help="the MiniApp (.js or .json)")
    p.add_argument(
        "--payload", required=True, help="body file, read as raw bytes (as signed)"
    )
    p.add_argument(
        "--header",
        action="append",
        metavar="'NAME: VALUE'",
        help="a request header; repeat for more",
    )
    p.add_argument("--url", default="/", help="request path and query (?a=b)")
    p.add_argument("--secret-env", metavar="VAR", help=secret_help)
    p.add_argument("--event", help="use this event name instead of extracting one")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=_guard(_run_webhook))

    p = sub.add_parser(
        "listen",
        help="receive webhooks on 127.0.0.1 and print one line per delivery",
        description="Run a local receiver; each delivery is verified, routed and "
        "mapped, and answered as webhook.response says (401 on a bad signature).",
    )
    p.add_argument("manifest", metavar="MANIFEST", help="the MiniApp (.js or .json)")
    p.add_argument("--port", type=int, default=0, help="port (default 0: any free)")
    p.add_argument("--secret-env", metavar="VAR", help=secret_help)
    p.add_argument("--save-dir", help="save each delivery (NNN-<event>.json/.body)")
    p.add_argument(
        "--max-body",
        type=int,
        default=DEFAULT_MAX_BODY,
        help="largest body accepted, in bytes (larger ones get 413)",
    )
    p.add_argument("--count", type=int, default=0, help="stop after N deliveries")
    p.add_argument("--json", action="store_true", help="print one JSON object a line")
    p.set_defaults(func=_guard(_run_listen))

    p = sub.add_parser(
        "send",
        help="post a payload to a URL, signed as the provider would sign it",
        description="Post the payload bytes unchanged, with the signature header "
        "and the event header or parameter the MiniApp expects. Exit 0 on a 2xx "
        "answer, 1 otherwise, 2 on bad input.",
    )
    p.add_argument("manifest", metavar="MANIFEST", help="the MiniApp (.js or .json)")
    p.add_argument("--payload", required=True, help="body file, sent byte for byte")
    p.add_argument("--to", required=True, metavar="URL", help="where to post")
    p.add_argument("--event", help="event name for an event header or parameter")
    p.add_argument("--secret-env", metavar="VAR", help=secret_help)
    p.add_argument(
        "--header", action="append", metavar="'NAME: VALUE'", help="extra header"
    )
    p.set_defaults(func=_guard(_run_send))
