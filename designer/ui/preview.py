"""Live preview: every loaded record mapped by the current rules, one cell per field.

Each edit re-evaluates the target's mapping over all its records, in two
passes. The *values* pass runs each rule's fast path (no traces, about 20x
faster) and shows every value at once with a provisional status (missing,
null, error or ok). The *trace* pass then runs the traced evaluation, which
adds the "why" of each cell and the warnings the fast path cannot see, and
refines the statuses row range by row range.

Both passes work in slices of about :data:`SLICE_SECONDS` on the GUI thread,
driven by a zero-delay timer, so a large set never freezes the window; the
first slice runs at once, so a small set is current as soon as the edit
returns. Every evaluation carries a generation number: a newer edit abandons
the older run, whose results are never shown.
"""

from __future__ import annotations

import gc
import json
import logging
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from designer.core.diagnostics import Diagnostic, Severity
from designer.core.mapping import (
    CompiledMapping,
    FieldResult,
    FieldStatus,
    MappedRecord,
    compile_mapping,
)
from designer.core.paths import MISSING
from designer.ui import badges
from designer.ui.document import DesignerDocument, MappingTarget

log = logging.getLogger(__name__)

#: Time one evaluation slice may take before the window gets control back.
SLICE_SECONDS = 0.02
#: Above this many cells an update marks the whole table changed instead of
#: comparing cell by cell.
DIFF_LIMIT = 20_000
#: Longest text of a cell before it is cut.
CELL_TEXT_LIMIT = 60

_DISPLAY = Qt.ItemDataRole.DisplayRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_BACKGROUND = Qt.ItemDataRole.BackgroundRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_DECORATION = Qt.ItemDataRole.DecorationRole
_FONT = Qt.ItemDataRole.FontRole
_USER = Qt.ItemDataRole.UserRole
_HORIZONTAL = Qt.Orientation.Horizontal

_BOLD = QFont()
_BOLD.setBold(True)


def render_value(value: Any, limit: int = CELL_TEXT_LIMIT) -> str:
    """A mapped value as a cell shows it: ints exact, strings quoted and short."""
    if value is MISSING:
        return "—"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return f"[{len(value)} item{'s' if len(value) != 1 else ''}]"
    if isinstance(value, dict):
        return f"{{{len(value)} key{'s' if len(value) != 1 else ''}}}"
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 2] + "…" + text[-1]


@dataclass
class _Run:
    """One evaluation in progress."""

    generation: int
    target: MappingTarget
    compiled: CompiledMapping
    columns: list[str]
    records: list[Any]
    results: list[MappedRecord]
    started: float
    #: 1: values pass, 2: trace pass.
    phase: int = 1
    traced: int = 0


class PreviewModel(QAbstractTableModel):
    """Rows are records, columns are mapped fields (required first)."""

    #: The values of an evaluation are shown (its generation number).
    evaluated = Signal(int)
    #: The traces and exact statuses of an evaluation are shown too.
    traced = Signal(int)
    #: Progress of a long evaluation: (records done, records total).
    progress = Signal(int, int)

    def __init__(self, document: DesignerDocument, parent: QObject | None = None):
        super().__init__(parent)
        self._document = document
        self._target: MappingTarget | None = None
        self._columns: list[str] = []
        self._required: set[str] = set()
        self._results: list[MappedRecord] = []
        self._generation = 0
        self._run: _Run | None = None
        #: Seconds the last shown evaluation took from the edit to the last cell.
        self.last_duration = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._step)
        document.mappingChanged.connect(self._mapping_changed)
        document.payloadChanged.connect(self._payload_changed)

    # -- control -----------------------------------------------------------

    @property
    def target(self) -> MappingTarget | None:
        return self._target

    @property
    def generation(self) -> int:
        return self._generation

    def set_target(self, target: MappingTarget | None) -> None:
        self._target = target
        self.refresh()

    def _rules_target(self) -> MappingTarget | None:
        if self._target is None:
            return None
        return self._document.effective_target(self._target)

    def _mapping_changed(self, doc_path: object) -> None:
        target = self._rules_target()
        if target is not None and tuple(doc_path) == target.doc_path:  # type: ignore[arg-type]
            self.refresh()

    def _payload_changed(self, target: object) -> None:
        if target == self._target:
            self.refresh()

    def is_current(self) -> bool:
        """True when the values shown match the latest edit."""
        return self._run is None or self._run.phase == 2

    def is_complete(self) -> bool:
        """True when the traces and exact statuses are shown too."""
        return self._run is None

    def refresh(self) -> None:
        """Start evaluating the current rules over the records (a newer run wins)."""
        self._generation += 1
        self._timer.stop()
        target = self._target
        if target is None:
            self._run = None
            self._show([], [])
            self.evaluated.emit(self._generation)
            self.traced.emit(self._generation)
            return
        rules_target = self._document.effective_target(target)
        rules = self._document.rules(rules_target)
        content_type = self._document.content_type(rules_target)
        compiled = compile_mapping(
            rules,
            where=rules_target.doc_path,
            types=content_type.field_types() if content_type else None,
            item_types=content_type.item_field_types() if content_type else None,
        )
        self._required = (
            {s.name for s in content_type.required} if content_type else set()
        )
        order = [s.name for s in content_type.fields] if content_type else []
        columns = sorted(
            compiled.fields,
            key=lambda f: (
                f not in self._required,
                order.index(f) if f in order else len(order),
            ),
        )
        self._run = _Run(
            self._generation,
            target,
            compiled,
            columns,
            self._document.records(target),
            [],
            time.perf_counter(),
        )
        self._step()

    def _step(self) -> None:
        run = self._run
        if run is None or run.generation != self._generation:
            return  # a newer edit replaced this run
        deadline = time.perf_counter() + SLICE_SECONDS
        records, results = run.records, run.results
        total = len(records)
        if run.phase == 1:
            rules = tuple(run.compiled.rules.items())
            while len(results) < total:
                # Check the clock every few records: time.perf_counter is not free.
                done = len(results)
                results.extend(_quick(rules, r) for r in records[done : done + 32])
                if time.perf_counter() >= deadline:
                    break
            if len(results) < total:
                self.progress.emit(len(results), total)
                self._timer.start()
                return
            self._show(run.columns, results)
            _settle_heap()
            run.phase = 2
            self.last_duration = time.perf_counter() - run.started
            log.debug("preview: %d values in %.1f ms", total, self.last_duration * 1000)
            self.evaluated.emit(run.generation)
            if time.perf_counter() >= deadline:
                self._timer.start()
                return
        evaluate = run.compiled.evaluate
        first = run.traced
        while run.traced < total:
            done = run.traced
            upto = min(done + 16, total)
            for i in range(done, upto):
                results[i] = evaluate(records[i])
            run.traced = upto
            if time.perf_counter() >= deadline:
                break
        if run.traced > first and self._columns:
            self.dataChanged.emit(
                self.index(first, 0), self.index(run.traced - 1, len(self._columns) - 1)
            )
        if run.traced < total:
            self._timer.start()
            return
        self._run = None
        _settle_heap()
        self.traced.emit(run.generation)

    def _show(self, columns: list[str], results: list[MappedRecord]) -> None:
        old = self._results
        if columns != self._columns or len(results) != len(old):
            self.beginResetModel()
            self._columns = columns
            self._results = results
            self.endResetModel()
            return
        self._results = results
        if len(results) * len(columns) > DIFF_LIMIT:
            # Comparing every cell would cost more than repainting the view.
            if results:
                last = self.index(len(results) - 1, len(columns) - 1)
                self.dataChanged.emit(self.index(0, 0), last)
            return
        for col, name in enumerate(columns):
            first = last = -1
            for row, (a, b) in enumerate(zip(old, results, strict=True)):
                ra, rb = a.fields.get(name), b.fields.get(name)
                if not _same(ra, rb):
                    if first < 0:
                        first = row
                    last = row
            if first >= 0:
                self.dataChanged.emit(self.index(first, col), self.index(last, col))

    # -- results -------------------------------------------------------------

    @property
    def columns(self) -> list[str]:
        return list(self._columns)

    def result(self, row: int, field: str) -> FieldResult | None:
        if not 0 <= row < len(self._results):
            return None
        return self._results[row].fields.get(field)

    def record_count(self) -> int:
        return len(self._results)

    def status_counts(self) -> dict[str, Counter[str]]:
        """Per field, how many records gave each status."""
        counts: dict[str, Counter[str]] = {name: Counter() for name in self._columns}
        for mapped in self._results:
            for name, result in mapped.fields.items():
                counts.setdefault(name, Counter())[str(result.status)] += 1
        return counts

    def preview_diagnostics(self) -> list[Diagnostic]:
        """One diagnostic per field that gave errors or warnings on some record."""
        target = self._rules_target()
        if target is None:
            return []
        out: list[Diagnostic] = []
        total = len(self._results)
        for name in self._columns:
            for status, severity in (
                ("error", Severity.ERROR),
                ("warning", Severity.WARNING),
            ):
                rows = [
                    (i, r.fields[name])
                    for i, r in enumerate(self._results)
                    if name in r.fields and r.fields[name].status == status
                ]
                if not rows:
                    continue
                first_row, first = rows[0]
                why = (
                    first.warnings[0]
                    if status == "warning" and first.warnings
                    else first.trace
                )
                out.append(
                    Diagnostic(
                        severity,
                        f"preview-{status}",
                        f"{target}: {name}: {len(rows)} of {total} records give "
                        f"{'an error' if status == 'error' else 'a warning'}; record "
                        f"{first_row + 1}: {why}",
                        fix="Hover over the field's preview cells to see each trace.",
                        field=name,
                        path=(*target.doc_path, name),
                    )
                )
        return out

    def summary(self) -> str:
        target = self._target
        if target is None:
            return "Select a resource or a handler to preview its mapped records."
        run = self._run
        if run is not None and run.phase == 1:
            done, total = len(run.results), len(run.records)
            return f"Evaluating… {done} of {total} records"
        if not self._results:
            error = self._document.records_error(target)
            if error:
                return f"No records: {error}"
            if self._document.payload(target) is None:
                return (
                    "No sample payload yet: fetch a page, open a payload file, or put "
                    f"responses/{target.key}.json beside the MiniApp."
                )
            if not self._columns:
                return "No rules yet: drop a path from the payload tree on a field."
            return "The payload holds no records."
        counts = self.status_counts()
        errors = sum(1 for c in counts.values() if c.get("error"))
        warnings = sum(1 for c in counts.values() if c.get("warning"))
        missing = sum(1 for c in counts.values() if c.get("missing"))
        n = len(self._results)
        parts = [f"{n} record{'s' if n != 1 else ''}, {len(self._columns)} fields"]
        for count, label in (
            (errors, "with errors"),
            (warnings, "with warnings"),
            (missing, "with missing values"),
        ):
            if count:
                parts.append(f"{count} field{'s' if count != 1 else ''} {label}")
        if len(parts) == 1:
            parts.append("all values found")
        text = ", ".join(parts)
        if run is not None:
            text += f" (checking traces… {run.traced} of {len(run.records)})"
        return text

    # -- QAbstractTableModel ---------------------------------------------------

    def rowCount(
        self,
        parent: QModelIndex | QPersistentModelIndex = QModelIndex(),  # noqa: B008
    ) -> int:
        return 0 if parent.isValid() else len(self._results)

    def columnCount(
        self,
        parent: QModelIndex | QPersistentModelIndex = QModelIndex(),  # noqa: B008
    ) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY
    ) -> Any:
        if orientation == _HORIZONTAL:
            if not 0 <= section < len(self._columns):
                return None
            name = self._columns[section]
            if role == _DISPLAY:
                return f"{name} *" if name in self._required else name
            if role == _FONT and name in self._required:
                return _BOLD
            if role == _TOOLTIP:
                return f"{name} (required)" if name in self._required else name
            return None
        if role == _DISPLAY and 0 <= section < len(self._results):
            return str(section + 1)
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY
    ) -> Any:
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if not (0 <= row < len(self._results) and 0 <= col < len(self._columns)):
            return None
        result = self._results[row].fields.get(self._columns[col])
        if result is None:
            return None
        if role == _DISPLAY:
            return render_value(result.value)
        status = str(result.status)
        if role == _BACKGROUND:
            return badges.background(status)
        if role == _FOREGROUND:
            return badges.foreground(status) if status not in ("ok",) else None
        if role == _DECORATION:
            return None if status == "ok" else badges.icon(status)
        if role == _TOOLTIP:
            return _tooltip(self._columns[col], row, result)
        if role == _USER:
            return result
        return None


def _settle_heap() -> None:
    """Keep the collector from walking the results again and again.

    Results of 10,000 records are about a million tracked objects; each full
    collection during the next pass walked them all (80-190 ms stalls,
    measured with benchmarks/bench_preview.py). They hold no reference
    cycles, so reference counting frees them when the next results replace
    them.
    """
    gc.freeze()


_PENDING = "(the trace of this value is being computed)"


def _quick(rules: tuple[tuple[str, Any], ...], record: Any) -> MappedRecord:
    """A record mapped through the rules' fast paths, with provisional statuses."""
    fields: dict[str, FieldResult] = {}
    for name, rule in rules:
        try:
            value = rule.fast(record)
        except Exception:
            fields[name] = FieldResult(MISSING, FieldStatus.ERROR, _PENDING)
            continue
        if value is MISSING:
            status = FieldStatus.MISSING
        elif value is None:
            status = FieldStatus.NULL
        else:
            status = FieldStatus.OK
        fields[name] = FieldResult(value, status, _PENDING)
    return MappedRecord(fields)


def _same(a: FieldResult | None, b: FieldResult | None) -> bool:
    if a is None or b is None:
        return a is b
    return (
        a.status == b.status and type(a.value) is type(b.value) and a.value == b.value
    )


def _tooltip(name: str, row: int, result: FieldResult) -> str:
    lines = [f"{name}, record {row + 1}: {result.status}", result.trace]
    if result.source_path:
        lines.append(f"read from {result.source_path}")
    lines += [f"warning: {w}" for w in result.warnings]
    if result.value is not MISSING and not isinstance(
        result.value, str | int | float | bool
    ):
        try:
            text = json.dumps(result.value, ensure_ascii=False, indent=1)
        except (TypeError, ValueError):
            text = repr(result.value)
        lines.append(text if len(text) < 800 else text[:800] + "…")
    return "\n".join(lines)


class PreviewPanel(QWidget):
    """The preview table with a one-line summary above it."""

    #: A cell was clicked: (record index, field name).
    cellActivated = Signal(int, str)

    def __init__(self, document: DesignerDocument, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = PreviewModel(document, self)
        self.summary = QLabel(self.model.summary())
        self.summary.setWordWrap(True)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setAlternatingRowColors(False)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.view.setWordWrap(False)
        self.view.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.Interactive
        )
        self.view.horizontalHeader().setDefaultSectionSize(140)
        self.view.verticalHeader().setDefaultSectionSize(22)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)

        self.model.evaluated.connect(self._update_summary)
        self.model.traced.connect(self._update_summary)
        self.model.progress.connect(self._update_summary)
        self.view.clicked.connect(self._clicked)

    def set_target(self, target: MappingTarget | None) -> None:
        self.model.set_target(target)

    def _update_summary(self, *_args: object) -> None:
        self.summary.setText(self.model.summary())

    def _clicked(self, index: QModelIndex) -> None:
        columns = self.model.columns
        if index.isValid() and index.column() < len(columns):
            self.cellActivated.emit(index.row(), columns[index.column()])
