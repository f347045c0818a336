#!/usr/bin/env bash
# Build the one-folder program with PyInstaller, then smoke-test what was built:
#   dist/sync-designer/sync-designer --version   prints designer.__version__
#   ... --smoke (offscreen)                       opens the window, paints, exits 0
# Uses the Python of the active venv (or $PYTHON); installs PyInstaller into it
# if it is missing. Run from anywhere; output goes to dist/ and build/ at the
# repository root.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python}"
APP=dist/sync-designer/sync-designer

if ! "$PYTHON" -c "import PyInstaller" 2>/dev/null; then
  echo "build: installing PyInstaller into $("$PYTHON" -c 'import sys; print(sys.prefix)')"
  "$PYTHON" -m pip install --quiet "pyinstaller>=6.6"
fi

started=$(date +%s)
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN packaging/sync-designer.spec
echo "build: built $APP in $(( $(date +%s) - started )) s, $(du -sh dist/sync-designer | cut -f1) on disk"

expected=$("$PYTHON" -c "import designer; print(designer.__version__)")
version=$("$APP" --version)
if [ "$version" != "sync-designer $expected" ]; then
  echo "build: FAIL: --version printed '$version', expected 'sync-designer $expected'" >&2
  exit 1
fi
echo "build: ok: $version"

errors=$(mktemp)
trap 'rm -f "$errors"' EXIT
if ! QT_QPA_PLATFORM=offscreen "$APP" --smoke 2>"$errors"; then
  cat "$errors" >&2
  echo "build: FAIL: --smoke exited non-zero" >&2
  exit 1
fi
if [ -s "$errors" ]; then
  cat "$errors" >&2
  echo "build: FAIL: --smoke wrote to stderr (above)" >&2
  exit 1
fi
echo "build: ok: --smoke opened and painted the window"
