"""A loaded MiniApp with everything the designer works on around it.

A project is one MiniApp source file, its typed model, the content-type
catalogue and the sample responses found beside it. Samples follow one
convention, shared with the mock provider: ``responses/<resource>.json`` is
a list response of that resource and ``responses/<resource>-details/<id>.json``
a details response; ``webhooks/<event>.json`` is a raw delivery body.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from designer.core import jsondata
from designer.core.catalogue import Catalogue, load_catalogue
from designer.core.checks import check
from designer.core.diagnostics import Diagnostic, DocPath, SourceLocation
from designer.core.model import MiniApp
from designer.core.source import MiniAppSource, load_miniapp


class SampleError(Exception):
    """A sample file cannot be read; the message names the file and the place."""


def read_json_file(path: Path) -> Any:
    """Parse a JSON file; errors name the file, line and column."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SampleError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        return jsondata.loads(data)
    except UnicodeDecodeError as exc:
        raise SampleError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    except jsondata.JsonDataError as exc:
        where = f"{path}:{exc.line}:{exc.column}" if exc.line else str(path)
        raise SampleError(f"{where}: not valid JSON: {exc.message}") from exc


@dataclass
class Project:
    source: MiniAppSource
    app: MiniApp
    catalogue: Catalogue
    samples_dir: Path | None = None
    #: Sample list responses per resource key, read lazily.
    _samples: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def path(self) -> Path | None:
        return self.source.path

    def locate(self, doc_path: DocPath) -> SourceLocation | None:
        return self.source.location(doc_path)

    def sample_path(self, resource_key: str) -> Path | None:
        if self.samples_dir is None:
            return None
        candidate = self.samples_dir / f"{resource_key}.json"
        return candidate if candidate.is_file() else None

    def sample(self, resource_key: str) -> Any | None:
        """The sample list response of a resource, or None when there is none."""
        if resource_key not in self._samples:
            path = self.sample_path(resource_key)
            self._samples[resource_key] = read_json_file(path) if path else None
        return self._samples[resource_key]

    def details_samples(self, resource_key: str) -> list[Path]:
        if self.samples_dir is None:
            return []
        folder = self.samples_dir / f"{resource_key}-details"
        return sorted(folder.glob("*.json")) if folder.is_dir() else []

    def webhook_samples(self) -> list[Path]:
        if self.path is None:
            return []
        folder = self.path.parent / "webhooks"
        return sorted(folder.glob("*.json")) if folder.is_dir() else []

    def check(self) -> list[Diagnostic]:
        samples: dict[str, Any] = {}
        if self.app.sync is not None:
            for key in self.app.sync.resources:
                body = self.sample(key)
                if body is not None:
                    samples[key] = body
        return check(self.app, self.catalogue, samples=samples, locate=self.locate)


def find_samples_dir(miniapp_path: Path) -> Path | None:
    """``responses/`` beside the MiniApp file, if there is one."""
    candidate = miniapp_path.parent / "responses"
    return candidate if candidate.is_dir() else None


def open_project(
    path: str | Path,
    *,
    samples_dir: str | Path | None = None,
    catalogues: list[str | Path] | tuple[str | Path, ...] = (),
) -> Project:
    """Load a MiniApp file (JS or JSON) and what is around it.

    Raises :class:`designer.core.source.SourceError` for a file that cannot be
    read, with the file, line and column.
    """
    path = Path(path)
    source = load_miniapp(path)
    app = MiniApp.from_document(source.document)
    samples = Path(samples_dir) if samples_dir is not None else find_samples_dir(path)
    return Project(source, app, load_catalogue(catalogues), samples)
