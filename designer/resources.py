"""Where the files shipped beside the package are: the samples and the icons.

In a source checkout they sit next to the ``designer`` package (``samples/``,
``resources/``). In a PyInstaller build the spec copies them to the same
relative places under the bundle folder (``sys._MEIPASS``). An installed wheel
carries neither; the functions then return None and the caller opens nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

SAMPLES_FOLDER = "samples"
ICONS_FOLDER = "resources/icons"
ICON_NAME = "sync-designer"


def bundle_root() -> Path:
    """The folder that holds ``samples/`` and ``resources/``."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen is not None:
        return Path(frozen)
    return Path(__file__).resolve().parent.parent


def samples_folder() -> Path | None:
    """The bundled ``samples/`` folder, or None when this install has none."""
    folder = bundle_root() / SAMPLES_FOLDER
    return folder if folder.is_dir() else None


def bundled_sample(name: str = "salla") -> Path | None:
    """The MiniApp of bundled sample ``name``: ``samples/<name>/<name>.miniapp.js``."""
    folder = samples_folder()
    if folder is None:
        return None
    path = folder / name / f"{name}.miniapp.js"
    return path if path.is_file() else None


def icon_file(suffix: str = "png") -> Path | None:
    """The application icon as ``png``, ``svg``, ``ico`` or ``icns``, if shipped."""
    path = bundle_root() / ICONS_FOLDER / f"{ICON_NAME}.{suffix}"
    return path if path.is_file() else None
