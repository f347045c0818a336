"""``check``, ``preview`` and ``export``: the core over the command line."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from designer.core import jswriter, mapping
from designer.core.diagnostics import Diagnostic, Severity
from designer.core.mapping import FieldStatus
from designer.core.project import Project, SampleError, open_project, read_json_file
from designer.core.secrets import find_literal_secrets, redact
from designer.core.source import SourceError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "check",
        help="report problems in a MiniApp's sync block",
        description="Check a MiniApp's sync block. Exit 1 when there are errors.",
    )
    p.add_argument("manifest", type=Path, help="the MiniApp file (.js or .json)")
    p.add_argument(
        "--samples",
        type=Path,
        help="folder of sample list responses named <resource>.json "
        "(default: responses/ beside the MiniApp)",
    )
    p.add_argument(
        "--catalogue",
        type=Path,
        action="append",
        default=[],
        help="an extra content-type catalogue file (repeatable)",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser(
        "preview",
        help="map a raw API response with a resource's apiMapping",
        description=(
            "Map INPUT (a raw response body: an envelope holding the records under "
            "dataProperty, a bare array, or one record) with the apiMapping of "
            "RESOURCE. A field whose value is missing is left out of its record."
        ),
    )
    p.add_argument("manifest", type=Path)
    p.add_argument("--resource", required=True, help="the resource key")
    p.add_argument("--input", required=True, type=Path, help="a JSON response body")
    p.add_argument(
        "--explain", action="store_true", help="add each field's status and trace"
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_preview)

    p = sub.add_parser(
        "export",
        help="write the sync block as JavaScript or JSON",
        description=(
            "Export the sync block. With --in-place the block is written back into "
            "the MiniApp file: only its own text changes, the write is atomic and "
            "the previous file is kept as FILE.bak."
        ),
    )
    p.add_argument("manifest", type=Path)
    p.add_argument(
        "--format",
        choices=("js", "json"),
        default=None,
        help="js (default) or json; --in-place uses the file's own kind",
    )
    target = p.add_mutually_exclusive_group()
    target.add_argument("-o", "--output", type=Path, help="write to this file")
    target.add_argument(
        "--in-place",
        action="store_true",
        help="write the block back into the MiniApp file",
    )
    p.add_argument(
        "--redact",
        action="store_true",
        help="replace literal credentials with [[placeholders]] instead of "
        "refusing to export them",
    )
    p.set_defaults(func=cmd_export)


def _error(message: str) -> int:
    print(f"sync-designer: {message}", file=sys.stderr)
    return 2


def _open(args: argparse.Namespace) -> Project | None:
    samples = getattr(args, "samples", None)
    if samples is not None and not samples.is_dir():
        _error(
            f"{samples}: no such folder of sample responses. Give the folder that "
            "holds <resource>.json files, or leave --samples out to use responses/ "
            "beside the MiniApp."
        )
        return None
    try:
        return open_project(
            args.manifest,
            samples_dir=getattr(args, "samples", None),
            catalogues=getattr(args, "catalogue", []),
        )
    except SourceError as exc:
        _error(str(exc))
    except OSError as exc:
        _error(f"{args.manifest}: cannot read: {exc.strerror or exc}")
    except Exception as exc:  # catalogue errors and the like
        _error(str(exc))
    return None


def _print_diagnostics(diags: list[Diagnostic]) -> None:
    for diag in diags:
        print(diag)


def cmd_check(args: argparse.Namespace) -> int:
    project = _open(args)
    if project is None:
        return 2
    try:
        diags = project.check()
    except SampleError as exc:
        return _error(str(exc))
    errors = sum(d.severity is Severity.ERROR for d in diags)
    warnings = sum(d.severity is Severity.WARNING for d in diags)
    if args.json:
        json.dump(
            {
                "file": str(args.manifest),
                "errors": errors,
                "warnings": warnings,
                "diagnostics": [d.to_json() for d in diags],
            },
            sys.stdout,
            indent=2,
            ensure_ascii=False,
        )
        print()
    else:
        _print_diagnostics(diags)
        print(f"{args.manifest}: {errors} error(s), {warnings} warning(s)")
    return 1 if errors else 0


def cmd_preview(args: argparse.Namespace) -> int:
    project = _open(args)
    if project is None:
        return 2
    sync = project.app.sync
    if sync is None or args.resource not in sync.resources:
        names = list(sync.resources) if sync else []
        from designer.core.diagnostics import closest

        hint = closest(args.resource, names)
        more = f" Did you mean {hint!r}?" if hint else ""
        return _error(
            f"{args.manifest}: no resource {args.resource!r} in sync.resources "
            f"(there are: {', '.join(names) or 'none'}).{more}"
        )
    resource = sync.resources[args.resource]
    try:
        body = read_json_file(args.input)
    except SampleError as exc:
        return _error(str(exc))
    where = ("sync", "resources", resource.key, "apiMapping")
    content_type = project.catalogue.get(resource.content_type or "")
    compiled = mapping.compile_mapping(
        resource.api_mapping or {},
        where=where,
        types=content_type.field_types() if content_type else None,
        item_types=content_type.item_field_types() if content_type else None,
    )
    diags = [_locate(project, d) for d in compiled.diagnostics]
    data_property = (
        resource.response_mapping.data_property if resource.response_mapping else None
    )
    try:
        records, note = _records(body, data_property)
    except mapping.RecordsError as exc:
        return _error(f"{args.input}: {exc}")
    if note is not None:
        diags.append(note)
    out_records: list[dict[str, Any]] = []
    for index, record in enumerate(records):
        mapped = compiled.evaluate(record)
        for name, result in mapped.fields.items():
            if result.status not in (FieldStatus.ERROR, FieldStatus.WARNING):
                continue
            severity = (
                Severity.ERROR
                if result.status is FieldStatus.ERROR
                else Severity.WARNING
            )
            problems = [(w.code, w.message) for w in result.warnings] or [
                (f"field-{result.status}", result.trace)
            ]
            for code, message in problems:
                diags.append(
                    Diagnostic(
                        severity,
                        code,
                        f"record {index}, field {name!r}: {message}",
                        field=name,
                        path=(*where, name),
                        location=project.locate((*where, name)),
                    )
                )
        for spec in content_type.required if content_type else ():
            result = mapped.fields.get(spec.name)
            if result is None or result.status is FieldStatus.ERROR:
                continue  # unmapped: check says so; errors are reported above
            if result.status in (FieldStatus.MISSING, FieldStatus.NULL):
                diags.append(
                    Diagnostic(
                        Severity.ERROR,
                        "required-empty",
                        f"record {index}: required field {spec.name!r} is "
                        f"{result.status}: {result.trace}",
                        fix="Point the rule at a value every record has, or add a "
                        "fallback with coalesce.",
                        field=spec.name,
                        path=(*where, spec.name),
                        location=project.locate((*where, spec.name)),
                    )
                )
        out_records.append(mapped.explain() if args.explain else mapped.values())
    errors = any(d.severity is Severity.ERROR for d in diags)
    if args.json:
        json.dump(
            {"records": out_records, "diagnostics": [d.to_json() for d in diags]},
            sys.stdout,
            indent=2,
            ensure_ascii=False,
            default=_json_default,
        )
        print()
    else:
        for index, record in enumerate(out_records):
            print(f"# record {index}")
            print(
                json.dumps(record, indent=2, ensure_ascii=False, default=_json_default)
            )
        _print_diagnostics(diags)
        print(f"{len(out_records)} record(s) mapped from {args.input}")
    return 1 if errors else 0


def _records(
    body: Any, data_property: str | None
) -> tuple[list[Any], Diagnostic | None]:
    """The records of a raw body: under dataProperty, a bare array, or one record."""
    found = mapping.extract_records(body, data_property)
    if found.records or not found.diagnostics:
        return found.records, None
    if isinstance(body, dict):
        note = Diagnostic(
            Severity.INFO,
            "single-record",
            f"{found.diagnostics[0].message}; the input is read as one record.",
            fix="Pass a list response to map every record in it.",
        )
        return [body], note
    raise mapping.RecordsError(data_property, found.diagnostics[0].message)


def _json_default(value: Any) -> Any:
    return str(value)


def _locate(project: Project, diag: Diagnostic) -> Diagnostic:
    if diag.location is None and diag.path is not None:
        from dataclasses import replace

        return replace(diag, location=project.locate(diag.path))
    return diag


def cmd_export(args: argparse.Namespace) -> int:
    project = _open(args)
    if project is None:
        return 2
    sync = project.app.sync_raw()
    if sync is None:
        return _error(f"{args.manifest}: the MiniApp has no sync block to export.")
    secrets = find_literal_secrets(sync)
    if secrets:
        if not args.redact:
            for secret in secrets:
                where = project.locate(secret.path)
                print(
                    f"{where or args.manifest}: {secret.reason}; write "
                    f"{secret.suggestion!r} instead",
                    file=sys.stderr,
                )
            return _error(
                "export refused: the sync block holds literal credentials. Replace "
                "them with placeholders, or pass --redact to write placeholders."
            )
        sync = redact(sync, secrets)
        for secret in secrets:
            print(
                f"redacted {'.'.join(map(str, secret.path))} -> {secret.suggestion}",
                file=sys.stderr,
            )
    if args.in_place:
        path = project.source.path
        assert path is not None
        try:
            result = jswriter.replace_value(project.source, ("sync",), sync)
            backup = jswriter.write_atomic(path, result.text, backup=True)
        except (OSError, jswriter.ExportError) as exc:
            return _error(f"{path}: not written: {exc}")
        if result.comments_dropped:
            print(
                f"note: {result.comments_dropped} comment(s) inside the changed "
                "parts of the sync block were not kept",
                file=sys.stderr,
            )
        for inlined in result.inlined:
            print(
                f"note: {jswriter.format_doc_path(inlined)} now holds its value "
                "written out: it used a constant that other parts still use",
                file=sys.stderr,
            )
        for rerendered in result.rerendered:
            print(
                f"note: {jswriter.format_doc_path(rerendered)} was written anew "
                "(its layout and constant names were not kept)",
                file=sys.stderr,
            )
        print(
            f"wrote the sync block into {path} (previous file: {backup})",
            file=sys.stderr,
        )
        return 0
    fmt = args.format or "js"
    try:
        text = jswriter.to_js(sync) if fmt == "js" else jswriter.to_json(sync)
    except jswriter.ExportError as exc:
        return _error(f"{args.manifest}: {exc}")
    if fmt == "js":
        text = f"sync: {text},\n"
    elif not text.endswith("\n"):
        text += "\n"
    if args.output:
        try:
            jswriter.write_atomic(args.output, text, backup=args.output.exists())
        except OSError as exc:
            return _error(f"{args.output}: not written: {exc.strerror or exc}")
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
