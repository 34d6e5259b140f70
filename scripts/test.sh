#!/usr/bin/env bash
# Installs what the tests need into ./.venv and runs the linters and the test suite.
# Usage: scripts/test.sh [pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

python=""
for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
        "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        python=$candidate
        break
    fi
done
if [ -z "$python" ]; then
    echo "hrdesk needs Python 3.11 or newer" >&2
    exit 1
fi

# SQLCipher, Argon2, libsodium, Qt and the PDF libraries come as wheels. The tests also
# read back what hrdesk writes with independent tools: GNU gettext's msgfmt checks the
# catalogs, poppler (pdftotext, pdfinfo, pdftoppm) and qpdf check the dossiers.
missing=""
command -v msgfmt >/dev/null 2>&1 || missing="$missing gettext"
command -v pdftotext >/dev/null 2>&1 || missing="$missing poppler-utils"
command -v qpdf >/dev/null 2>&1 || missing="$missing qpdf"
if [ -n "$missing" ]; then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    if command -v apt-get >/dev/null 2>&1; then
        # shellcheck disable=SC2086
        $sudo apt-get install -y -qq $missing >/dev/null 2>&1 || {
            $sudo apt-get update -qq >/dev/null && $sudo apt-get install -y -qq $missing >/dev/null
        }
    elif command -v brew >/dev/null 2>&1; then
        # shellcheck disable=SC2086
        brew install $missing
    else
        echo "Please install:$missing" >&2
        exit 1
    fi
fi

if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
.venv/bin/ruff check .
.venv/bin/ruff format --check .
exec .venv/bin/python -m pytest "$@"
