"""Evidence attached to cases: encrypted intake, custody, export, verification,
deletion, and what check and backups do with it."""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from pathlib import Path

import pytest

from hrdesk.core.errors import HrdeskError
from hrdesk.services import cases, evidence
from hrdesk.store import backup, blobs, integrity, vault

from .conftest import PASSPHRASE
from .test_canary import _files_under


@pytest.fixture
def ref(session) -> str:
    return cases.add_case(session, {"title": "Evidence case"})["ref"]


def _file(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_intake_records_checksum_source_and_custody(session, ref, tmp_path) -> None:
    data = secrets.token_bytes(2_500_000)
    added = evidence.attach(
        session,
        ref,
        _file(tmp_path, "cell.jpg", data),
        "Photo of the cell",
        "Family",
        "2026-11-20",
    )
    assert added["sha256"] == hashlib.sha256(data).hexdigest()
    assert (added["size"], added["source"], added["received_by"]) == (len(data), "Family", "amina")
    assert [(c["action"], c["result"]) for c in added["custody"]] == [("intake", added["sha256"])]
    shown = cases.show_case(session, ref)["attachments"]
    assert [a["filename"] for a in shown] == ["cell.jpg"]
    assert "blob_key" not in json.dumps(shown)


def test_export_gives_back_the_same_bytes_and_is_in_custody(session, ref, tmp_path) -> None:
    data = secrets.token_bytes(1_048_577)
    attachment = evidence.attach(session, ref, _file(tmp_path, "a.pdf", data))
    out = evidence.export(session, attachment["id"], tmp_path / "out.pdf", "for the lawyer")
    assert out.read_bytes() == data
    assert out.stat().st_mode & 0o077 == 0
    with pytest.raises(HrdeskError, match="already exists"):
        evidence.export(session, attachment["id"], out)
    custody = evidence.get(session, attachment["id"])["custody"]
    assert [(c["action"], c.get("note")) for c in custody] == [
        ("intake", None),
        ("exported", "for the lawyer"),
    ]


def test_tampering_is_found_by_verify_and_by_check(session, ref, tmp_path, vault_dir) -> None:
    attachment = evidence.attach(
        session, ref, _file(tmp_path, "v.mp4", secrets.token_bytes(300_000))
    )
    assert evidence.verify(session) == [{"id": attachment["id"], "filename": "v.mp4", "ok": True}]
    assert integrity.check(session) == []
    (name,) = blobs.stored_files(vault_dir / "attachments")
    blob = vault_dir / "attachments" / name
    damaged = bytearray(blob.read_bytes())
    damaged[100_000] ^= 0x01
    blob.write_bytes(bytes(damaged))
    assert evidence.verify(session, attachment["id"])[0]["ok"] is False
    assert any("v.mp4" in problem for problem in integrity.check(session))
    results = [c.get("result") for c in evidence.get(session, attachment["id"])["custody"]]
    assert results[-2:] == ["ok", "failed"]
    with pytest.raises(HrdeskError):
        evidence.export(session, attachment["id"], tmp_path / "never.mp4")
    assert not (tmp_path / "never.mp4").exists()
    assert not list(tmp_path.glob(".never.mp4*"))


def test_deleting_removes_the_blob_and_keeps_the_reason(session, ref, tmp_path, vault_dir) -> None:
    attachment = evidence.attach(session, ref, _file(tmp_path, "d.txt", b"to be removed"))
    evidence.delete(session, attachment["id"], "Uploaded to the wrong case")
    assert blobs.stored_files(vault_dir / "attachments") == set()
    assert "attachments" not in cases.show_case(session, ref)
    logged = [(e["entity"], e["field"], e["new"]) for e in cases.history(session, ref)]
    assert ("custody", "note", "Uploaded to the wrong case") in logged
    assert integrity.check(session) == []


def test_a_failed_record_leaves_no_orphan_blob(
    session, ref, tmp_path, vault_dir, monkeypatch
) -> None:
    def broken_put(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("hrdesk.store.writer.Batch.put", broken_put)
    with pytest.raises(RuntimeError):
        evidence.attach(session, ref, _file(tmp_path, "o.bin", b"x" * 5000))
    assert blobs.stored_files(vault_dir / "attachments") == set()


def test_attachment_content_never_reaches_disk_in_plaintext(session, ref, tmp_path) -> None:
    start = time.time()
    canary = ("EVIDENCECANARY" + secrets.token_hex(6)).encode()
    source = _file(tmp_path / "..", f"source-{secrets.token_hex(4)}.txt", canary * 20_000)
    try:
        attachment = evidence.attach(session, ref, source)
        evidence.verify(session)
        backup.backup(session, tmp_path / "with-evidence.backup")
        written = [p for p in _files_under(tmp_path, start) if p != source]
        assert any(p.parent.name == "attachments" for p in written)
        assert [p for p in written if canary in p.read_bytes()] == []
        assert canary in source.read_bytes()  # the scanner would see it
        assert attachment["size"] == len(canary) * 20_000
    finally:
        source.unlink()


def test_backup_and_restore_carry_evidence(session, ref, tmp_path) -> None:
    data = secrets.token_bytes(200_000)
    attachment = evidence.attach(session, ref, _file(tmp_path, "b.png", data))
    backup.backup(session, tmp_path / "full.backup")
    staging = backup.extract(tmp_path / "full.backup", tmp_path / "restored")
    with vault.unlock(staging, PASSPHRASE) as restored:
        backup.become_new_device(restored)
    backup.commit_restore(staging, tmp_path / "restored")
    with vault.unlock(tmp_path / "restored", PASSPHRASE) as restored:
        assert integrity.check(restored) == []
        out = evidence.export(restored, attachment["id"], tmp_path / "b-again.png")
        assert out.read_bytes() == data


def test_the_cli_attaches_lists_exports_verifies_and_deletes(cli, session, ref, tmp_path) -> None:
    session.lock()
    data = secrets.token_bytes(10_000)
    added = cli("attach", ref, str(_file(tmp_path, "scan.pdf", data)), "--source", "Lawyer")
    assert added.code == 0, added.err
    attachment_id = json.loads(added.out)["id"]
    assert "scan.pdf" in cli("attachment", "list", ref).out
    assert cli("attachment", "export", attachment_id, str(tmp_path / "scan-out.pdf")).code == 0
    assert (tmp_path / "scan-out.pdf").read_bytes() == data
    verified = cli("attachment", "verify")
    assert (verified.code, verified.out.strip()) == (0, "scan.pdf: intact")
    assert cli("attachment", "delete", attachment_id, "--reason", "duplicate").code == 0
    assert json.loads(cli("attachment", "list", ref, "--json").out) == []


def test_demo_data_includes_verifiable_evidence(session) -> None:
    from hrdesk.services import demo

    demo.fill(session, 120, seed=3)
    results = evidence.verify(session)
    assert [r["filename"] for r in results] == [
        "statement-0.txt",
        "statement-50.txt",
        "statement-100.txt",
    ]
    assert all(r["ok"] for r in results)


def test_check_reports_files_left_by_an_interrupted_intake(
    session, ref, tmp_path, vault_dir
) -> None:
    evidence.attach(session, ref, _file(tmp_path, "kept.txt", b"kept"))
    assert integrity.check(session) == []
    (vault_dir / "attachments" / ("ab" * 16)).write_bytes(b"ciphertext of a lost intake")
    (vault_dir / "attachments" / f".{'cd' * 16}.tmp").write_bytes(b"half written")
    assert any("2 files in attachments/" in problem for problem in integrity.check(session))
