#!/usr/bin/env bash
# Installs what the tests need into ./.venv, at the versions locked in requirements/
# (hash-checked), and runs the linters and the test suite.
# Usage: scripts/test.sh [pytest arguments]
#        scripts/test.sh --latest [pytest arguments]
#            the same linters and suite in ./.venv-latest, with the newest release of
#            every dependency that pyproject.toml allows: drift shows here before users
#            meet it; scripts/lock.sh --upgrade then moves the lock.
set -euo pipefail
cd "$(dirname "$0")/.."

latest=0
if [ "${1:-}" = "--latest" ]; then
    latest=1
    shift
fi

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

venv=.venv
if [ "$latest" -eq 1 ]; then venv=.venv-latest; fi
if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
fi
pip=("$venv/bin/python" -m pip install --quiet --disable-pip-version-check)
if [ "$latest" -eq 1 ]; then
    # What a user's `pip install` would bring today: the newest build requirements
    # (pyproject's [build-system]), then everything else, each the newest allowed.
    mapfile -t build_requires < <("$venv/bin/python" -c 'import tomllib
print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"]))')
    "${pip[@]}" --upgrade "${build_requires[@]}"
    "${pip[@]}" --upgrade --upgrade-strategy eager --no-build-isolation -e '.[test,package]'
    "$venv/bin/python" scripts/locked.py drift requirements/dev.txt
else
    # app.txt first: its wheels include the locked setuptools and wheel, with which the
    # one source-only release in dev.txt (wsgidav) is then built, instead of whatever
    # newest setuptools an isolated build would fetch unchecked. hrdesk itself last,
    # without resolving anything again.
    "${pip[@]}" --require-hashes -r requirements/app.txt
    "${pip[@]}" --require-hashes --no-build-isolation -r requirements/dev.txt
    "${pip[@]}" --no-deps --no-build-isolation -e .
fi
"$venv/bin/ruff" check .
"$venv/bin/ruff" format --check .
exec "$venv/bin/python" -m pytest "$@"
