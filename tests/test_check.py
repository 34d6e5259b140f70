"""`hrdesk check` tells the truth while the vault is in use: no false alarm for work
another program is doing, for evidence a synced device has not fetched yet, or for
what an interrupted intake left (swept, and recorded in the chain of custody)."""

from __future__ import annotations

import threading

from hrdesk.services import cases, evidence, sync
from hrdesk.store import attachment_queries, blobs, integrity, vault

from .conftest import PASSPHRASE
from .test_two_programs import SecondProgram


def _custody_actions(session) -> list[str]:
    return [row[0] for row in session.conn.execute("SELECT action FROM custody ORDER BY rowid")]


def test_an_intake_under_way_in_another_program_is_not_an_error(created, vault_dir, cli):
    session = created.session
    ref = cases.add_case(session, {"title": "Evidence coming"})["ref"]
    second = SecondProgram(vault_dir)
    try:
        second.process.stdin.write(f"attach {ref}\n")
        second.process.stdin.flush()
        assert second.process.stdout.readline() == "writing\n", second.process.stderr.read()
        assert blobs.stored_files(session.attachments)  # its partial blob is there
        for repair in (False, True):
            report = integrity.examine(session, repair=repair)
            assert report.problems == []
            assert any("being added by another program" in n for n in report.notices)
        # Nor does unlocking sweep it away.
        vault.unlock(vault_dir, PASSPHRASE).lock()
        attachment_id = second.ask("go")  # the intake goes on and is recorded
    finally:
        second.close()
    report = integrity.examine(session)
    assert (report.problems, report.notices) == ([], [])
    assert evidence.verify(session, attachment_id)[0]["ok"]


def test_check_reads_one_snapshot_while_another_program_writes(created, vault_dir):
    session = created.session
    second = SecondProgram(vault_dir)
    reports: list[list[str]] = []
    try:
        second.process.stdin.write("add_many 300\n")
        second.process.stdin.flush()
        done = threading.Event()
        threading.Thread(target=lambda: (second.process.stdout.readline(), done.set())).start()
        while not done.is_set() or not reports:
            reports.append(integrity.check(session))
    finally:
        second.close()
    assert len(cases.list_cases(session, cases.CaseFilter(), limit=1000)) == 300
    assert [r for r in reports if r] == []


def test_evidence_not_fetched_yet_is_a_notice_not_a_failure(sync_pair, tmp_path):
    a, b, _shared = sync_pair
    ref = cases.add_case(a, {"title": "With evidence"})["ref"]
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"image bytes" * 1000)
    attachment = evidence.attach(a, ref, photo)
    sync.run(a)
    sync.run(b)
    report = integrity.examine(b)
    assert report.problems == []
    assert any("not on this computer yet" in notice for notice in report.notices)
    evidence.read_for_preview(b, attachment["id"])  # opened: fetched and checked
    assert integrity.examine(b) == integrity.Report()
    # Lost on the device that recorded it, the same file is a failure.
    (
        a.attachments / attachment_queries.get_attachment(a.conn, attachment["id"])["blob_id"]
    ).unlink()
    problems = integrity.check(a)
    assert any("lost its file" in problem and "photo.jpg" in problem for problem in problems)


def test_check_repair_sweeps_what_an_interrupted_intake_left(created, vault_dir, cli):
    session = created.session
    ref = cases.add_case(session, {"title": "Evidence"})["ref"]
    photo = vault_dir.parent / "kept.txt"
    photo.write_bytes(b"kept")
    evidence.attach(session, ref, photo)
    (kept,) = blobs.stored_files(session.attachments)
    session.lock()
    folder = vault_dir / "attachments"
    (folder / ("ab" * 16)).write_bytes(b"ciphertext of a lost intake")
    (folder / "notes-of-the-user.txt").write_bytes(b"not ours")
    with vault.unlock(vault_dir, PASSPHRASE) as unlocked:
        assert _custody_actions(unlocked).count("orphan-removed") == 1  # swept at unlock
        # Left while this session was open (another program killed): reported...
        (folder / f".{'cd' * 16}.tmp").write_bytes(b"half written")
        (folder / ("ef" * 16)).write_bytes(b"another lost intake")
        report = integrity.examine(unlocked)
        assert report.problems == [
            "2 files in attachments/ belong to no attachment (interrupted intakes or "
            "deletions); “hrdesk check --repair” removes them."
        ]
        # ...then swept on request, each removal in the chain of custody.
        report = integrity.examine(unlocked, repair=True)
        assert report.problems == []
        assert any("were removed" in notice for notice in report.notices)
        assert any("notes-of-the-user.txt" in notice for notice in report.notices)
        assert _custody_actions(unlocked).count("orphan-removed") == 3
    assert blobs.stored_files(folder) == {kept, "notes-of-the-user.txt"}  # not ours: kept
    result = cli("check", "--repair")
    assert result.code == 0 and "The vault is sound." in result.out
