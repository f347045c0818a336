"""The document the designer window edits: one MiniApp project and its undo stack.

:class:`DesignerDocument` is the single place where mappings change. Views
read from it and call its methods; each edit is an undo command (see
:mod:`designer.ui.commands`), and the document tells the views which mapping
changed. It also keeps the sample payload of each target, the records the
preview maps, the diagnostics of the whole MiniApp, and a crash-recovery file
with the unsaved ``sync`` block.

Recovery files live in ``<AppDataLocation>/recovery/<hash of the path>.json``.
A recovery file never holds a secret: literal credentials are replaced by
their placeholder (:func:`designer.core.secrets.redact`) before writing, and
only mappings are restored from it, since mappings are all the designer edits.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from PySide6.QtCore import QObject, QStandardPaths, QTimer, Signal
from PySide6.QtGui import QUndoStack

from designer.core import paths
from designer.core.catalogue import ContentType, FieldSpec
from designer.core.diagnostics import Diagnostic, DocPath
from designer.core.mapping import RecordsError, extract_records
from designer.core.model import Handler, Resource
from designer.core.project import Project, SampleError, read_json_file
from designer.core.secrets import find_literal_secrets, redact
from designer.core.values import Code
from designer.ui import rules as rulebook
from designer.ui.commands import REMOVE, SetMappingCommand, SetRuleCommand

log = logging.getLogger(__name__)

Segments = tuple[str | int, ...]

RECOVERY_VERSION = 1
#: Quiet time after an edit before the recovery file is written.
RECOVERY_DELAY_MS = 400
#: Quiet time after an edit before the diagnostics are recomputed.
DIAGNOSTICS_DELAY_MS = 250


class DocumentError(Exception):
    """An action on the document cannot be done; the message says what to do."""


class SaveRefused(DocumentError):
    """The block cannot be written back (it holds literal secrets)."""


class RecoveryError(DocumentError):
    """A recovery file cannot be read."""


@dataclass(frozen=True, slots=True)
class MappingTarget:
    """Whose mapping: a resource (its ``apiMapping``) or a handler (its ``mapping``)."""

    kind: Literal["resource", "handler"]
    #: Resource key, or handler event.
    key: str

    @classmethod
    def resource(cls, key: str) -> MappingTarget:
        return cls("resource", key)

    @classmethod
    def handler(cls, event: str) -> MappingTarget:
        return cls("handler", event)

    @property
    def doc_path(self) -> DocPath:
        if self.kind == "resource":
            return ("sync", "resources", self.key, "apiMapping")
        return ("sync", "webhooks", "handlers", self.key, "mapping")

    @property
    def dialect(self) -> rulebook.Dialect:
        """Resource rules are record-relative dotted paths; handler rules JSONPath."""
        if self.kind == "resource":
            return rulebook.Dialect.DOTTED
        return rulebook.Dialect.JSONPATH

    def __str__(self) -> str:
        if self.kind == "resource":
            return f"resource {self.key}"
        return f"handler {self.key}"


@dataclass(frozen=True, slots=True)
class SaveResult:
    path: Path
    #: How many comments inside the old block the rewrite could not keep.
    comments_dropped: int = 0
    backup: Path | None = None


class DesignerDocument(QObject):
    """A MiniApp project being edited, with undo, diagnostics and crash recovery."""

    #: The DocPath of the mapping that changed (a target's ``doc_path``).
    mappingChanged = Signal(object)
    diagnosticsChanged = Signal()
    #: True when the document equals what is on disk (the undo stack is clean).
    cleanChanged = Signal(bool)
    #: A target's payload (and so its records) was replaced.
    payloadChanged = Signal(object)
    #: The file was written back; carries the :class:`SaveResult`.
    saved = Signal(object)

    def __init__(
        self,
        project: Project,
        *,
        recovery_dir: Path | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._clean_changed)
        self._recovery_dir = recovery_dir
        self._payloads: dict[MappingTarget, Any] = {}
        self._payload_errors: dict[MappingTarget, str] = {}
        self._diagnostics: list[Diagnostic] = []

        self._recovery_timer = QTimer(self)
        self._recovery_timer.setSingleShot(True)
        self._recovery_timer.setInterval(RECOVERY_DELAY_MS)
        self._recovery_timer.timeout.connect(self.write_recovery_now)
        self._diagnostics_timer = QTimer(self)
        self._diagnostics_timer.setSingleShot(True)
        self._diagnostics_timer.setInterval(DIAGNOSTICS_DELAY_MS)
        self._diagnostics_timer.timeout.connect(self.refresh_diagnostics)
        self.refresh_diagnostics()

    # ------------------------------------------------------------------ targets

    @property
    def path(self) -> Path | None:
        return self.project.path

    def targets(self) -> list[MappingTarget]:
        """Every resource, then every handler, in document order."""
        sync = self.project.app.sync
        if sync is None:
            return []
        return [MappingTarget.resource(k) for k in sync.resources] + [
            MappingTarget.handler(e) for e in sync.handlers
        ]

    def resource(self, target: MappingTarget) -> Resource | None:
        sync = self.project.app.sync
        if sync is None or target.kind != "resource":
            return None
        return sync.resources.get(target.key)

    def handler(self, target: MappingTarget) -> Handler | None:
        sync = self.project.app.sync
        if sync is None or target.kind != "handler":
            return None
        return sync.handlers.get(target.key)

    def effective_target(self, target: MappingTarget) -> MappingTarget:
        """The target whose rules apply: a ``{resource, dataPath}`` handler uses its
        resource's ``apiMapping``."""
        handler = self.handler(target)
        if handler is not None and handler.shape == "resource" and handler.resource:
            return MappingTarget.resource(handler.resource)
        return target

    def content_type(self, target: MappingTarget) -> ContentType | None:
        catalogue = self.project.catalogue
        resource = self.resource(target)
        if resource is not None and resource.content_type:
            return catalogue.get(resource.content_type)
        handler = self.handler(target)
        if handler is not None and handler.record_type:
            return catalogue.by_record_type(handler.record_type)
        return None

    def field_spec(self, target: MappingTarget, field: str) -> FieldSpec | None:
        content_type = self.content_type(target)
        return content_type.field(field) if content_type else None

    # -------------------------------------------------------------------- rules

    def _mapping_object(self, target: MappingTarget) -> dict[str, Any] | None:
        resource = self.resource(target)
        if resource is not None:
            return resource.api_mapping
        handler = self.handler(target)
        if handler is not None:
            return handler.mapping
        raise DocumentError(f"the MiniApp has no {target}")

    def _put_mapping(
        self, target: MappingTarget, mapping: dict[str, Any] | None
    ) -> None:
        """Store a whole mapping object; only undo commands call this."""
        resource = self.resource(target)
        if resource is not None:
            resource.api_mapping = mapping
        else:
            handler = self.handler(target)
            if handler is None:
                raise DocumentError(f"the MiniApp has no {target}")
            handler.mapping = mapping
        log.debug("mapping of %s changed", target)
        self.mappingChanged.emit(target.doc_path)
        self._recovery_timer.start()
        self._diagnostics_timer.start()

    def rules(self, target: MappingTarget) -> dict[str, Any]:
        """The target's rules (a copy), field -> raw rule, in document order."""
        return dict(self._mapping_object(target) or {})

    def rule(self, target: MappingTarget, field: str) -> Any:
        return (self._mapping_object(target) or {}).get(field)

    def set_rule(
        self, target: MappingTarget, field: str, raw_rule: Any, text: str | None = None
    ) -> None:
        """Set ``field``'s rule (an undoable command)."""
        if self.rule(target, field) == raw_rule and field in self.rules(target):
            return
        self.undo_stack.push(SetRuleCommand(self, target, field, raw_rule, text))

    def remove_rule(self, target: MappingTarget, field: str) -> None:
        if field not in self.rules(target):
            return
        self.undo_stack.push(SetRuleCommand(self, target, field, REMOVE))

    def set_item_rule(
        self,
        target: MappingTarget,
        field: str,
        item_field: str,
        raw_rule: Any,
        text: str | None = None,
    ) -> None:
        """Set (``None``: remove) one inner rule of ``field``'s mapItems mapping."""
        try:
            updated = rulebook.with_item_rule(
                self.rule(target, field), item_field, raw_rule
            )
        except rulebook.RuleError as exc:
            raise DocumentError(f"{field}: {exc}") from None
        label = text or f"Map {field}.{item_field}"
        self.set_rule(target, field, updated, label)

    def drop(
        self,
        target: MappingTarget,
        field: str,
        segments: Segments,
        *,
        record_prefix: Segments | None = None,
        item_field: str | None = None,
        is_array: bool | None = None,
        mode: rulebook.DropMode | str = rulebook.DropMode.AUTO,
    ) -> rulebook.DropOutcome:
        """Map ``field`` (or its ``item_field``) to the dropped path: one undo step.

        ``segments`` is the path from the payload root. ``record_prefix`` is the
        path of the records array when the drag came from inside a record; when
        None the target's ``dataProperty`` is used. ``is_array`` defaults to
        what the path finds in the target's payload. Raises
        :class:`designer.ui.rules.RuleError` when the path cannot be a rule here.
        """
        segments = tuple(segments)
        prefix = (
            record_prefix if record_prefix is not None else self.records_prefix(target)
        )
        if item_field is not None:
            outcome = rulebook.item_rule_for_drop(
                rulebook.item_mapping(self.rule(target, field)).get(item_field),
                segments,
                items_rule=self.rule(target, field),
                dialect=target.dialect,
                record_prefix=prefix,
                mode=mode,
            )
            if outcome.changed:
                self.set_item_rule(target, field, item_field, outcome.rule)
            return outcome
        if is_array is None:
            found = paths.resolve(self.payload(target), segments)
            is_array = found.found and isinstance(found.value, list)
        spec = self.field_spec(target, field)
        outcome = rulebook.rule_for_drop(
            self.rule(target, field),
            segments,
            dialect=target.dialect,
            record_prefix=prefix,
            is_array=is_array,
            field_type=spec.type if spec else None,
            mode=mode,
        )
        if outcome.changed:
            self.set_rule(target, field, outcome.rule)
        return outcome

    # ---------------------------------------------------------- payloads, records

    def payload(self, target: MappingTarget) -> Any:
        """The sample payload of a target (list response, or webhook body), or None."""
        if target not in self._payloads:
            self._payloads[target] = self._load_payload(target)
        return self._payloads[target]

    def _load_payload(self, target: MappingTarget) -> Any:
        try:
            if target.kind == "resource":
                return self.project.sample(target.key)
            for path in self.project.webhook_samples():
                if path.stem == target.key:
                    return read_json_file(path)
        except SampleError as exc:
            self._payload_errors[target] = str(exc)
            log.warning("sample of %s cannot be read: %s", target, exc)
        return None

    def set_payload(self, target: MappingTarget, body: Any) -> None:
        """Use ``body`` as the target's payload (a fetched page, a delivery)."""
        self._payloads[target] = body
        self._payload_errors.pop(target, None)
        self.payloadChanged.emit(target)

    def records_prefix(self, target: MappingTarget) -> Segments | None:
        """Path of the records array in the target's payload; None: one record."""
        if target.kind != "resource":
            return None
        resource = self.resource(target)
        mapping = resource.response_mapping if resource else None
        if mapping is not None and mapping.data_property:
            try:
                prefix = tuple(paths.parse_dotted(mapping.data_property))
            except paths.PathError:
                return None
            found = paths.resolve(self.payload(target), prefix)
            return prefix if isinstance(found.value, list) else None
        return () if isinstance(self.payload(target), list) else None

    def records(self, target: MappingTarget) -> list[Any]:
        """The records the target's rules map: the list items, or the delivery."""
        body = self.payload(target)
        if body is None:
            return []
        if target.kind == "handler":
            return [body]
        resource = self.resource(target)
        mapping = resource.response_mapping if resource else None
        try:
            return extract_records(body, mapping.data_property if mapping else None)
        except RecordsError as exc:
            self._payload_errors[target] = str(exc)
            return []

    def records_error(self, target: MappingTarget) -> str | None:
        """Why the target has no records, when its payload could not be read."""
        return self._payload_errors.get(target)

    # --------------------------------------------------------------- diagnostics

    def diagnostics(self) -> list[Diagnostic]:
        return list(self._diagnostics)

    def refresh_diagnostics(self) -> None:
        """Recompute the diagnostics now (edits schedule this, debounced)."""
        self._diagnostics_timer.stop()
        try:
            self._diagnostics = self.project.check()
        except Exception:  # a checker bug must not break editing
            log.exception("checking the MiniApp failed")
            self._diagnostics = []
        self.diagnosticsChanged.emit()

    def diagnostics_for(self, target: MappingTarget) -> list[Diagnostic]:
        """Diagnostics about a target (its resource or handler, rules included)."""
        owner = target.doc_path[:-1]
        return [
            d
            for d in self._diagnostics
            if d.path is not None and tuple(d.path[: len(owner)]) == owner
        ]

    # -------------------------------------------------------------------- export

    def sync_raw(self) -> dict[str, Any] | None:
        """The ``sync`` block as raw values, as it would be written."""
        return self.project.app.sync_raw()

    def is_modified(self) -> bool:
        return not self.undo_stack.isClean()

    def _clean_changed(self, clean: bool) -> None:
        if clean:
            self._recovery_timer.stop()
        self.cleanChanged.emit(clean)

    def save_into_file(self) -> SaveResult:
        """Write the ``sync`` block back into the MiniApp file (atomic, with backup).

        Everything outside the block is kept byte for byte. Refuses, with
        :class:`SaveRefused`, a block that holds a literal secret.
        """
        from designer.core import jswriter
        from designer.core.source import parse_miniapp

        path = self.project.path
        if path is None:
            raise DocumentError(
                "the MiniApp was not read from a file; use Save as… to write the block"
            )
        sync = self.sync_raw()
        secrets = find_literal_secrets(sync)
        if secrets:
            lines = "; ".join(
                f"{_dotted(s.path)}: write {s.suggestion!r}" for s in secrets
            )
            raise SaveRefused(
                f"{path}: not written, the sync block holds {len(secrets)} literal "
                f"secret(s) ({lines}). Replace each with its placeholder in the "
                "MiniApp file, then save again."
            )
        source = self.project.source
        try:
            result = jswriter.replace_value(source, ("sync",), sync)
            backup = jswriter.write_atomic(path, result.text, backup=True)
        except (jswriter.ExportError, jswriter.WriteError) as exc:
            raise DocumentError(f"{path}: not written: {exc}") from exc
        fresh = parse_miniapp(result.text, filename=str(path), kind=source.kind)
        fresh.path = path
        self.project.source = fresh
        self.undo_stack.setClean()
        self.discard_recovery()
        saved = SaveResult(path, result.comments_dropped, backup)
        log.info("wrote the sync block into %s", path)
        self.saved.emit(saved)
        return saved

    # ------------------------------------------------------------------ recovery

    @staticmethod
    def default_recovery_dir() -> Path:
        base = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.AppDataLocation
        )
        return Path(base) / "recovery"

    @classmethod
    def recovery_file_for(cls, path: Path, recovery_dir: Path | None = None) -> Path:
        key = hashlib.sha256(str(Path(path).resolve()).encode()).hexdigest()[:24]
        return (recovery_dir or cls.default_recovery_dir()) / f"{key}.json"

    @classmethod
    def recoverable(
        cls, path: str | Path, recovery_dir: Path | None = None
    ) -> Path | None:
        """The recovery file left for the MiniApp at ``path``, if there is one."""
        candidate = cls.recovery_file_for(Path(path), recovery_dir)
        return candidate if candidate.is_file() else None

    def recovery_path(self) -> Path | None:
        if self.project.path is None:
            return None
        return self.recovery_file_for(self.project.path, self._recovery_dir)

    def write_recovery_now(self) -> Path | None:
        """Write the recovery file (edits schedule this, debounced); None if clean."""
        self._recovery_timer.stop()
        target = self.recovery_path()
        if target is None or self.undo_stack.isClean():
            return None
        sync = self.sync_raw()
        safe = redact(sync, find_literal_secrets(sync))
        content = {
            "version": RECOVERY_VERSION,
            "miniapp": str(self.project.path),
            "written": datetime.datetime.now(datetime.UTC).isoformat(
                timespec="seconds"
            ),
            "sync": _encode(safe),
        }
        from designer.core import jswriter

        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            jswriter.write_atomic(
                target, json.dumps(content, ensure_ascii=False, indent=1), backup=False
            )
        except (OSError, jswriter.WriteError) as exc:
            log.warning("cannot write the recovery file %s: %s", target, exc)
            return None
        return target

    def discard_recovery(self) -> None:
        self._recovery_timer.stop()
        target = self.recovery_path()
        if target is not None:
            target.unlink(missing_ok=True)

    def close(self) -> None:
        """A clean close: no recovery file is left behind when nothing is unsaved."""
        if self.undo_stack.isClean():
            self.discard_recovery()
        else:
            self.write_recovery_now()

    def restore_recovery(self, recovery_file: Path | None = None) -> int:
        """Apply the mappings of a recovery file as one undoable step.

        Returns how many mappings changed. Raises :class:`RecoveryError` for a
        file that cannot be read.
        """
        source = recovery_file or self.recovery_path()
        if source is None or not source.is_file():
            return 0
        try:
            content = json.loads(source.read_text(encoding="utf-8"))
            sync = _decode(content["sync"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise RecoveryError(
                f"{source}: cannot read the recovery file: {exc}"
            ) from exc
        if not isinstance(sync, dict):
            return 0
        changes: list[tuple[MappingTarget, Any]] = []
        for target in self.targets():
            recovered = _mapping_in(sync, target)
            if recovered is not _ABSENT and recovered != self._mapping_object(target):
                changes.append((target, recovered))
        if not changes:
            return 0
        self.undo_stack.beginMacro("Restore unsaved work")
        for target, mapping in changes:
            self.undo_stack.push(
                SetMappingCommand(self, target, mapping, f"Restore {target}")
            )
        self.undo_stack.endMacro()
        return len(changes)


_ABSENT = object()


def _mapping_in(sync: dict[str, Any], target: MappingTarget) -> Any:
    node: Any = sync
    for seg in target.doc_path[1:]:
        if not isinstance(node, dict) or seg not in node:
            return _ABSENT
        node = node[seg]
    return node


def _dotted(path: DocPath) -> str:
    return ".".join(str(p) for p in path)


# Code values are not JSON: the recovery file tags them.
_CODE_TAG = "$code"


def _encode(value: Any) -> Any:
    if isinstance(value, Code):
        return {_CODE_TAG: value.text, "$kind": value.kind}
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {_CODE_TAG, "$kind"}:
            return Code(value[_CODE_TAG], value["$kind"])
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value
