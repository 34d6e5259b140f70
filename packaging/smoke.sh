#!/usr/bin/env bash
# Builds the Linux bundle and runs the smoke test against the built program
# (tests/test_packaging.py with HRDESK_BUNDLE set): --version, French help, the vault
# in the user data folder, a demo vault, an Arabic dossier with its fonts, the desktop
# app offscreen, the tarball's install and uninstall scripts. CI runs it after the main
# test suite (.ci/run); about a minute on two cores, half of it PyInstaller.
# Usage: packaging/smoke.sh [pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
    echo "no .venv: run scripts/test.sh first (it makes the environment)" >&2
    exit 1
fi
# The locked releases, as scripts/test.sh installs them (a no-op right after it): the
# bundle freezes exactly what CI tested, and packaging/build.py refuses anything else.
pip_install() { .venv/bin/python -m pip install --quiet --disable-pip-version-check "$@"; }
pip_install --require-hashes -r requirements/app.txt
pip_install --require-hashes --no-build-isolation -r requirements/dev.txt
pip_install --no-deps --no-build-isolation -e .
started=$(date +%s)
.venv/bin/python packaging/build.py
echo "smoke: bundle built in $(($(date +%s) - started)) s"
HRDESK_BUNDLE="$PWD/dist/hrdesk" exec .venv/bin/python -m pytest tests/test_packaging.py "$@"
