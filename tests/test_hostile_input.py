"""Hostile documents, through the real command line: every input that once ended in
"unexpected error" (issue 13, finding 4), given to every command that reads it.

Each must end in one clear ``hrdesk:`` line that names the problem (and the field
path or the line where it makes sense), without the offending value, with exit
status 1, and with the vault unchanged to the byte. The documents are read by
``hrdesk.core.safeinput``; this file checks the commands, not that module.
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from types import SimpleNamespace

import pytest
from nacl.public import PrivateKey
from nacl.signing import SigningKey

from hrdesk.services import support
from hrdesk.store import vault
from hrdesk.sync import enrollment

from .conftest import PASSPHRASE, CliResult, run_subprocess
from .test_bad_input import existing, one_line_error, snapshot  # noqa: F401 (fixture)

DEEP = b"[" * 100_000


@pytest.fixture
def world(request, vault_dir, tmp_path):
    """The vault of test_bad_input (two users, one case) with a service, and a CSV to
    import; ``files`` is the vault's bytes once they are all made."""
    base = request.getfixturevalue("existing")
    session = vault.unlock(vault_dir, PASSPHRASE)
    with session:
        service = support.add_service(
            session, base.ref, {"type": "legal-aid", "person": "Hassan Ali"}
        )
    sheet = tmp_path / "cases.csv"
    sheet.write_text("Case name\nImported case\n", encoding="utf-8")
    return SimpleNamespace(
        ref=base.ref, service=service["id"], sheet=sheet, files=snapshot(vault_dir)
    )


@pytest.fixture
def hrdesk(vault_dir: Path, monkeypatch: pytest.MonkeyPatch):
    """``hrdesk --vault <vault_dir> ARGS`` in-process, with ``stdin`` as bytes.

    Standard input is decoded as Python decodes it under the C locale or in UTF-8
    mode: a byte that is not UTF-8 becomes a lone surrogate (``surrogateescape``),
    which is how such bytes reached the vault before."""
    from hrdesk.cli import main

    def run(*args: str, stdin: bytes = b"", env: dict[str, str] | None = None) -> CliResult:
        for name, value in {"HRDESK_PASSPHRASE": PASSPHRASE, **(env or {})}.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setattr(
            sys,
            "stdin",
            io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8", errors="surrogateescape"),
        )
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = main(["--vault", str(vault_dir), *args])
        return CliResult(code, out.getvalue(), err.getvalue())

    return run


def refused(result: CliResult, *fragments: str) -> str:
    """The one error line, checked: exit 1, the problem named, no value repeated."""
    error = one_line_error(result)
    assert result.code == 1, error
    assert "unexpected error" not in error
    for fragment in fragments:
        assert fragment in error, error
    for value in ("caf", "11111", "\ufffd"):
        assert value not in error, error
    return error


# -- JSON documents: every bad document × every command that reads one -------------------

# The text field each command's document carries, where the bad value goes (@).
COMMANDS: dict[str, tuple[Callable[[SimpleNamespace, str], list[str]], str, str]] = {
    "case-add": (lambda w, doc: ["case", "add", "--json", "-"], '{"title": @}', "title"),
    "case-add-file": (lambda w, doc: ["case", "add", "--json", doc], '{"title": @}', "title"),
    "case-update": (
        lambda w, doc: ["case", "update", w.ref, "--json", "-"],
        '{"title": @}',
        "title",
    ),
    "service-add": (
        lambda w, doc: ["service", "add", w.ref, "--json", "-"],
        '{"type": "legal-aid", "person": "Hassan Ali", "outcome": @}',
        "outcome",
    ),
    "service-update": (
        lambda w, doc: ["service", "update", w.service, "--json", "-"],
        '{"outcome": @}',
        "outcome",
    ),
    "provider-add": (
        lambda w, doc: ["provider", "add", "--json", "-"],
        '{"name": @, "services": ["legal-aid"]}',
        "name",
    ),
    "followup-add": (
        lambda w, doc: ["followup", "add", w.ref, "--json", "-"],
        '{"due_on": "2026-03-01", "text": @}',
        "text",
    ),
    "import-mapping": (
        lambda w, doc: ["import", str(w.sheet), "--mapping", doc],
        '{"columns": {"Case name": "title"}, "sheet": @}',
        "sheet",
    ),
    "import-json": (lambda w, doc: ["import", doc], '[{"title": @}]', "[0].title"),
}


def _value(template: str, value: str) -> bytes:
    return template.replace("@", value).encode("utf-8")


# Each bad document: how it is made from a command's template, what the message names,
# and whether it names the field (path) too.
DOCUMENTS: dict[str, tuple[Callable[[str], bytes], tuple[str, ...], bool]] = {
    "lone-surrogate": (
        lambda t: _value(t, '"a\\ud800b"'),
        ("a lone surrogate, \\ud800", "at character 2"),
        True,
    ),
    "lone-surrogate-in-key": (
        lambda t: _value(t, '"ok"').replace(b"{", b'{"x\\udc00": 1, ', 1),
        ("a key holds half of a character (a lone surrogate)",),
        False,
    ),
    "deep-nesting": (lambda t: DEEP, ("nested more than 32 levels deep",), False),
    "5000-digit-number": (
        lambda t: _value(t, "1" * 5000),
        ("is a number with more than 30 digits",),
        True,
    ),
    "invalid-utf8": (
        lambda t: _value(t, '"cafe"').replace(b"cafe", b"caf\xff\xfe"),
        ("is not UTF-8 text (line 1, byte",),
        False,
    ),
    "latin-1": (
        lambda t: t.replace("@", '"café"').encode("latin-1"),
        ("is not UTF-8 text (line 1, byte",),
        False,
    ),
}


@pytest.mark.parametrize("document", DOCUMENTS)
@pytest.mark.parametrize("command", COMMANDS)
def test_a_hostile_document_is_refused_clearly_and_changes_nothing(
    hrdesk, world, vault_dir, tmp_path, command, document
):
    make_args, template, field = COMMANDS[command]
    make, fragments, names_field = DOCUMENTS[document]
    data = make(template)
    doc = tmp_path / ("cases.json" if command == "import-json" else "doc.json")
    doc.write_bytes(data)
    args = make_args(world, str(doc))

    result = hrdesk(*args, stdin=data if "-" in args else b"")

    error = refused(result, *fragments)
    if names_field:
        assert f" {field}: " in error, error
    if document in ("invalid-utf8", "latin-1"):
        source = "The standard input" if "-" in args else str(doc)
        assert error.startswith(f"hrdesk: {source} is not UTF-8 text"), error
    assert result.out == ""
    assert snapshot(vault_dir) == world.files


# -- a JSON value on the command line -------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "fragments"),
    [
        pytest.param('"a\\ud800"', ("--value: holds half of a character",), id="lone-surrogate"),
        pytest.param(
            '{"\\udc00": 1}', ("--value: a key holds half of a character",), id="surrogate-key"
        ),
        pytest.param(DEEP.decode(), ("--value: not valid JSON: nested more than",), id="deep"),
        pytest.param("1" * 5000, ("--value: is a number with more than 30",), id="5000-digits"),
    ],
)
def test_a_hostile_value_to_settle_a_conflict_is_refused(
    hrdesk, world, vault_dir, value, fragments
):
    result = hrdesk("conflicts", "resolve", world.ref, "title", "--value", value)

    refused(result, *fragments)
    assert snapshot(vault_dir) == world.files


# -- CSV ------------------------------------------------------------------------------------

LONG = 131_073  # one more character than a cell may hold


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "import"])
@pytest.mark.parametrize(
    ("content", "row"),
    [
        pytest.param(f"Case name;Summary\nA case;{'x' * LONG}\n", 2, id="long-cell"),
        pytest.param(f"Case name;{'x' * LONG}\nA case;b\n", 1, id="long-header"),
    ],
)
def test_a_csv_cell_over_the_limit_is_refused_with_its_row(
    hrdesk, world, vault_dir, tmp_path, content, row, dry_run
):
    sheet = tmp_path / "long.csv"
    sheet.write_text(content, encoding="utf-8")

    result = hrdesk("import", str(sheet), *(["--dry-run"] if dry_run else []))

    refused(result, f"{sheet} has a cell longer than 131,072 characters (row {row})")
    assert "xxxx" not in result.err
    assert snapshot(vault_dir) == world.files


# -- a backup's manifest --------------------------------------------------------------------


def _manifest(change: Callable[[dict], object]) -> Callable[[dict], bytes]:
    def make(manifest: dict) -> bytes:
        changed = change(manifest)
        return changed if isinstance(changed, bytes) else json.dumps(manifest).encode()

    return make


def _add_file(name: str) -> Callable[[dict], bytes]:
    return _manifest(lambda m: m["files"].update({name: "0" * 64}))


MANIFESTS = {
    "schema-abc": _manifest(lambda m: m.update(schema="abc")),
    "schema-list": _manifest(lambda m: m.update(schema=[1])),
    "schema-1e400": lambda m: json.dumps({**m, "schema": 7}).replace(": 7", ": 1e400").encode(),
    "a-list": lambda m: b"[]",
    "deep-nesting": lambda m: DEEP,
    "file-name-lone-surrogate": _add_file("attachments/\udc00x"),
    "file-name-nul": _add_file("attachments/a\x00b"),
}


@pytest.mark.parametrize("manifest", MANIFESTS)
def test_a_backup_with_a_hostile_manifest_is_refused_and_nothing_is_restored(
    hrdesk, world, tmp_path, manifest
):
    made = hrdesk("backup", str(tmp_path / "good.backup"))
    assert made.code == 0, made.err
    bad = tmp_path / "bad.backup"
    with zipfile.ZipFile(tmp_path / "good.backup") as src, zipfile.ZipFile(bad, "w") as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "manifest.json":
                data = MANIFESTS[manifest](json.loads(data))
            out.writestr(info, data)
    target = tmp_path / "restored"

    result = hrdesk("restore", str(bad), "--vault", str(target))

    error = refused(result)
    assert "manifest is damaged" in error or "not an hrdesk backup" in error, error
    assert not target.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "bad.backup",
        "cases.csv",
        "good.backup",
        "vault",
    ]


# -- a dossier's password file --------------------------------------------------------------


@pytest.mark.parametrize("where", ["file", "stdin"])
def test_a_password_file_that_is_not_utf8_is_refused(hrdesk, world, vault_dir, tmp_path, where):
    secret = "mot de passe très long".encode("latin-1")
    password = tmp_path / "password.txt"
    password.write_bytes(secret)
    out = tmp_path / "dossier.pdf"

    result = hrdesk(
        "export",
        "dossier",
        world.ref,
        "--out",
        str(out),
        "--password-file",
        str(password) if where == "file" else "-",
        stdin=secret,
    )

    refused(result, "is not UTF-8 text (line 1, byte 16)")
    assert "passe" not in result.err
    assert not out.exists()
    assert snapshot(vault_dir) == world.files


# -- join requests and enrollment files -----------------------------------------------------


def _signed_request(label_json: str) -> tuple[bytes, str]:
    """A join request as a device makes it, validly signed, with a label given as JSON."""
    signing, box = SigningKey.generate(), PrivateKey.generate()
    verify, public = bytes(signing.verify_key), bytes(box.public_key)
    doc = f'{{"box": "{public.hex()}", "device": "d1", "format": 1, "label": {label_json}, '
    doc += f'"verify": "{verify.hex()}"}}'
    body = enrollment.REQUEST_MAGIC + doc.encode()
    return body + signing.sign(body).signature, enrollment.safety_code(verify, public)


@pytest.mark.parametrize("case", ["enroll-deep", "enroll-lone-surrogate", "join-deep"])
def test_a_hostile_join_request_or_enrollment_file_is_refused(
    hrdesk, world, vault_dir, tmp_path, case
):
    given = tmp_path / "device.file"
    code = "0000 0000 0000"
    if case == "enroll-deep":
        given.write_bytes(enrollment.REQUEST_MAGIC + DEEP + bytes(64))
    elif case == "enroll-lone-surrogate":
        data, code = _signed_request('"laptop \\ud800"')
        given.write_bytes(data)
    else:
        given.write_bytes(enrollment.ENROLL_MAGIC + DEEP + bytes(64))
    if case.startswith("enroll"):
        args = ["device", "enroll", str(given), "--out", str(tmp_path / "out"), "--code", code]
        what = "This is not a join request from hrdesk, or it is damaged."
    else:
        args = ["device", "join", "--accept", str(given)]
        what = "This is not an enrollment file from hrdesk, or it is damaged."

    result = hrdesk(*args)

    assert refused(result) == f"hrdesk: {what}\n"
    assert not (tmp_path / "out").exists()
    assert snapshot(vault_dir) == world.files


# -- a sealed export ------------------------------------------------------------------------


def test_a_sealed_file_with_a_deeply_nested_header_is_refused(hrdesk, world, tmp_path):
    header = DEEP
    sealed = tmp_path / "export.sealed"
    sealed.write_bytes(b"HRDSEAL1" + len(header).to_bytes(4, "big") + header + bytes(40))

    result = hrdesk(
        "unseal",
        str(sealed),
        str(tmp_path / "out.json"),
        env={"HRDESK_EXPORT_PASSPHRASE": "the passphrase of the export"},
    )

    assert refused(result) == "hrdesk: This is not a sealed hrdesk file, or it is damaged.\n"
    assert not (tmp_path / "out.json").exists()


# -- the real program -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "data", "message"),
    [
        pytest.param(
            {"LC_ALL": "C", "PYTHONUTF8": "0"},
            b'{"title": "caf\xe9"}',
            "hrdesk: The standard input is not UTF-8 text (line 1, byte 15): "
            "save it as UTF-8 and try again.\n",
            id="latin1-C-locale",
        ),
        pytest.param(
            {"PYTHONUTF8": "1"},
            b'{"title": "\xff"}',
            "hrdesk: The standard input is not UTF-8 text (line 1, byte 12): "
            "save it as UTF-8 and try again.\n",
            id="invalid-utf8-utf8-mode",
        ),
        pytest.param(
            {},
            DEEP,
            "hrdesk: not valid JSON: nested more than 32 levels deep\n",
            id="deep",
        ),
        pytest.param(
            {},
            b'{"title": "a\\ud800"}',
            "hrdesk: title: holds half of a character (a lone surrogate, \\ud800) at "
            "character 2: it is not text\n",
            id="lone-surrogate",
        ),
    ],
)
def test_real_program_refuses_hostile_stdin(world, vault_dir, env, data, message):
    result = run_subprocess(
        ["--vault", str(vault_dir), "case", "add", "--json", "-"],
        {"HRDESK_PASSPHRASE": PASSPHRASE, "LANGUAGE": "en", **env},
        input=data.decode("latin-1"),
        encoding="latin-1",
    )

    assert (result.returncode, result.stderr) == (1, message)
    assert snapshot(vault_dir) == world.files
