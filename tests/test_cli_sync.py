"""``hrdesk sync``, ``hrdesk device`` and ``hrdesk conflicts`` as a user types them:
two vaults, set up, enrolled with the safety code, the same field edited on both."""

from __future__ import annotations

import io
import json
import sys
from contextlib import redirect_stderr, redirect_stdout

import pytest

from hrdesk.cli import main
from tests.conftest import PASSPHRASE, CliResult


@pytest.fixture
def hrdesk(monkeypatch, tmp_path):
    monkeypatch.setenv("HRDESK_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("HRDESK_NEW_PASSPHRASE", PASSPHRASE)

    def run(vault: str, *args: str, stdin: str = "") -> CliResult:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = main(["--vault", str(tmp_path / vault), *args])
        return CliResult(code, out.getvalue(), err.getvalue())

    return run


def code_of(text: str) -> str:
    return text.rsplit(": ", 1)[-1].strip()


def test_two_vaults_on_the_command_line(hrdesk, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    assert hrdesk("a", "init", "--org", "Org", "--user", "amina").code == 0
    assert hrdesk("b", "init", "--org", "Org", "--user", "bilal").code == 0
    setup = hrdesk("a", "sync", "setup", "--remote", f"folder://{shared}", "--label", "office")
    assert setup.code == 0, setup.err
    added = hrdesk("a", "case", "add", "--json", "-", stdin='{"title": "Start"}')
    ref = json.loads(added.out)["ref"]
    request = hrdesk("b", "device", "join", "--request", str(tmp_path / "req.hrd"))
    assert request.code == 0
    code = code_of(next(line for line in request.out.splitlines() if "safety code" in line))
    # A wrong code is refused and enrolls nothing.
    wrong = hrdesk(
        "a", "device", "enroll", str(tmp_path / "req.hrd"), "--out", "x", "--code", "0000"
    )
    assert wrong.code == 1 and "safety codes differ" in wrong.err
    enroll = hrdesk(
        "a",
        "device",
        "enroll",
        str(tmp_path / "req.hrd"),
        "--out",
        str(tmp_path / "e.hrd"),
        "--code",
        code,
    )
    assert enroll.code == 0, enroll.err
    assert hrdesk("b", "device", "join", "--accept", str(tmp_path / "e.hrd")).code == 0
    assert hrdesk("a", "sync").code == 0
    first = json.loads(hrdesk("b", "sync", "--json").out)
    assert first["received_files"] == 1 and first["problems"] == []
    hrdesk("a", "case", "update", ref, "--json", "-", stdin='{"title": "From A"}')
    hrdesk("b", "case", "update", ref, "--json", "-", stdin='{"title": "From B"}')
    for vault in ("a", "b", "a"):
        assert hrdesk(vault, "sync").code == 0
    listed_a = json.loads(hrdesk("a", "conflicts", "--json").out)
    listed_b = json.loads(hrdesk("b", "conflicts", "--json").out)
    assert listed_a == listed_b and len(listed_a) == 1
    text = hrdesk("a", "conflicts").out
    assert "From A" in text and "From B" in text
    version = next(v for v in listed_a[0]["versions"] if v["value"] == "From A")
    settled = hrdesk(
        "b", "conflicts", "resolve", listed_a[0]["entity_id"], "title", "--keep", version["op_id"]
    )
    assert settled.code == 0
    for vault in ("b", "a"):
        hrdesk(vault, "sync")
    assert hrdesk("a", "conflicts").out.strip() == "No conflicts."
    assert json.loads(hrdesk("a", "case", "show", ref, "--json").out)["title"] == "From A"
    devices = json.loads(hrdesk("a", "device", "list", "--json").out)
    assert sorted(d["label"] for d in devices) == ["new device", "office"]
    status = json.loads(hrdesk("b", "sync", "status", "--json").out)
    assert status["set_up"] and status["unsent_changes"] == 0


def test_secrets_never_come_from_the_command_line(hrdesk, tmp_path, monkeypatch):
    assert hrdesk("a", "init", "--org", "Org", "--user", "amina").code == 0
    monkeypatch.delenv("HRDESK_SYNC_PASSWORD", raising=False)
    result = hrdesk(
        "a", "sync", "setup", "--remote", "webdavs://cloud.example.org/dav", "--username", "amina"
    )
    assert result.code == 1 and "HRDESK_SYNC_PASSWORD" in result.err
    monkeypatch.setenv("HRDESK_SYNC_SECRET_KEY", "s3cr3t")
    missing = hrdesk("a", "sync", "setup", "--remote", "s3://bucket/prefix")
    assert missing.code == 1 and "endpoint" in missing.err and "s3cr3t" not in missing.err
