"""Dossiers end to end: from a real vault to PDFs read back with pypdf and poppler,
checked with qpdf; what each profile must show and must never show."""

from __future__ import annotations

import csv
import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from hrdesk.services import cases, dossiers, support

CANARY_NAME = "Nadia Canaryvoss"
CANARY_CONTACT = "+249 900 CANARY 77"
CONFIDENTIAL = "Informant canary-stork lives near the bridge"

TOOLS = ("pdftotext", "pdfinfo", "qpdf")


@pytest.fixture(autouse=True)
def tools_present():
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    assert not missing, f"scripts/test.sh installs poppler-utils and qpdf; missing: {missing}"


@pytest.fixture
def case(session):
    created = cases.add_case(
        session,
        {
            "title": f"Detention of {CANARY_NAME} in Omdurman",
            "summary": f"{CANARY_NAME} was arrested at her home on 2026-03-01.",
            "opened_on": "2026-03-02",
            "location": {"country": "SD", "region": "Khartoum", "locality": "Omdurman"},
            "people": [
                {
                    "name": CANARY_NAME,
                    "role": "victim",
                    "contact": CANARY_CONTACT,
                    "birth_year": 1988,
                    "consents": [{"scope": "share-dossiers", "granted": False}],
                },
                {
                    "name": "Yusuf Adam",
                    "role": "witness",
                    "consents": [{"scope": "share-dossiers", "granted": True}],
                },
                {
                    "name": "Central Reserve Police",
                    "role": "alleged-perpetrator",
                    "actor_type": "state",
                },
            ],
            "incidents": [
                {
                    "date": "2026-03-01",
                    "place": "Omdurman, Block 4",
                    "violations": ["arbitrary-detention"],
                    "victims": [CANARY_NAME],
                    "perpetrators": ["Central Reserve Police"],
                }
            ],
            "notes": [
                {"text": CONFIDENTIAL, "confidential": True},
                {"text": "Lawyer informed.", "confidential": False},
            ],
            "services": [
                {"type": "legal-aid", "person": CANARY_NAME, "status": "in-progress"},
            ],
        },
    )
    return created


def text_of(path: Path) -> str:
    poppler = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    pypdf_text = "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)
    return poppler + "\n" + pypdf_text


def qpdf_ok(path: Path, password: str | None = None) -> None:
    args = ["qpdf", "--check", str(path)]
    if password:
        args.insert(1, f"--password={password}")
    result = subprocess.run(args, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("profile", ["internal", "legal", "advocacy", "un-submission"])
def test_each_profile_shows_and_withholds_what_it_should(session, case, tmp_path, profile):
    out = tmp_path / f"{profile}.pdf"
    exported = dossiers.export_dossier(session, case["ref"], out, profile=profile, language="en")
    qpdf_ok(out)
    assert exported.sha256 == hashlib.sha256(out.read_bytes()).hexdigest()
    text = text_of(out)
    flat = " ".join(text.split())
    assert case["ref"] in flat
    assert "Redaction log" in flat
    assert "Page 1 of" in flat
    if profile == "internal":
        assert CANARY_NAME in flat and CANARY_CONTACT in flat and CONFIDENTIAL in flat
        assert "History" in flat
    else:
        # She refused to have dossiers shared: a pseudonym everywhere, said on the cover.
        assert CANARY_NAME not in flat and "Canaryvoss" not in flat
        assert CANARY_CONTACT not in flat and CONFIDENTIAL not in flat
        assert "Victim A" in flat
        assert "pseudonym" in flat
    if profile == "legal":
        assert "Yusuf Adam" in flat and "Lawyer informed." in flat
    if profile == "advocacy":
        assert "Yusuf Adam" not in flat and "Omdurman" not in flat
        assert "30-39" in flat
    if profile == "un-submission":
        assert "Central Reserve Police" in flat and "Actions taken with domestic" in flat
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
    assert CANARY_NAME not in info  # nothing about the case in the metadata


def test_password_protected_dossier_is_aes256_and_opens_only_with_the_password(
    session, case, tmp_path
):
    out = tmp_path / "exports" / "locked.pdf"
    out.parent.mkdir()
    dossiers.export_dossier(session, case["ref"], out, "internal", "en", password="s3cret-pass")
    raw = out.read_bytes()
    assert CANARY_NAME.encode() not in raw
    info = subprocess.run(
        ["pdfinfo", "-upw", "s3cret-pass", str(out)], capture_output=True, text=True
    ).stdout
    assert "AES" in info and "256" in info
    wrong = subprocess.run(["pdftotext", "-upw", "wrong", str(out), "-"], capture_output=True)
    assert wrong.returncode != 0
    qpdf_ok(out, "s3cret-pass")
    reader = PdfReader(str(out))
    assert reader.is_encrypted and reader.decrypt("s3cret-pass")
    assert any(CANARY_NAME in (page.extract_text() or "") for page in reader.pages)
    # No unencrypted copy was left next to it.
    assert sorted(p.name for p in out.parent.iterdir()) == ["locked.pdf"]


def test_batch_export_writes_one_pdf_per_case_and_a_manifest(session, case, tmp_path):
    other = cases.add_case(session, {"title": "Second case"})
    ids = dossiers.case_ids(session, None, [case["ref"], other["ref"]])
    seen = []
    exported = dossiers.export_dossiers(
        session, tmp_path / "out", ids, "advocacy", "en", progress=lambda d, t: seen.append(d)
    )
    assert seen == [1, 2]
    rows = list(csv.DictReader((tmp_path / "out" / "manifest.csv").open()))
    assert [r["case"] for r in rows] == [case["ref"], other["ref"]]
    for row, item in zip(rows, exported, strict=True):
        path = tmp_path / "out" / row["file"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == row["sha256"] == item.sha256
        qpdf_ok(path)


def test_cancelled_batch_keeps_what_was_written_and_says_so(session, case, tmp_path):
    other = cases.add_case(session, {"title": "Second case"})

    def cancel_after_first(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        dossiers.export_dossiers(
            session,
            tmp_path / "out",
            [case["id"], other["id"]],
            "legal",
            "en",
            progress=cancel_after_first,
        )
    rows = list(csv.DictReader((tmp_path / "out" / "manifest.csv").open()))
    assert [r["case"] for r in rows] == [case["ref"]]


def test_cli_exports_a_dossier_with_a_password_file(cli, case, tmp_path):
    password = tmp_path / "pw.txt"
    password.write_text("long enough password\n")
    out = tmp_path / "d.pdf"
    result = cli(
        "export",
        "dossier",
        case["ref"],
        "--out",
        str(out),
        "--profile",
        "legal",
        "--password-file",
        str(password),
    )
    assert result.code == 0, result.err
    assert PdfReader(str(out)).decrypt("long enough password")
    result = cli("export", "dossiers", "--out", str(tmp_path / "many"), "--profile", "advocacy")
    assert result.code == 0, result.err
    assert (tmp_path / "many" / "manifest.csv").exists()
    with pytest.raises(SystemExit):
        cli("export", "dossier", case["ref"], "--out", str(tmp_path / "x.pdf"), "--profile", "x")
    short = tmp_path / "short.txt"
    short.write_text("short")
    bad = cli(
        "export",
        "dossier",
        case["ref"],
        "--out",
        str(tmp_path / "x.pdf"),
        "--password-file",
        str(short),
    )
    assert bad.code != 0 and "8 characters" in bad.err
    assert not (tmp_path / "x.pdf").exists()


def test_fingerprint_changes_with_the_content(session, case, tmp_path):
    first = tmp_path / "a.pdf"
    dossiers.export_dossier(session, case["ref"], first, "legal", "en")
    cases.update_case(session, case["ref"], {"status": "active"})
    second = tmp_path / "b.pdf"
    dossiers.export_dossier(session, case["ref"], second, "legal", "en")

    def digest(path: Path) -> str:
        flat = " ".join(text_of(path).split())
        return flat.split("fingerprint ")[1].split()[0]

    assert digest(first) != digest(second)


def test_services_of_the_case_appear_in_the_timeline(session, case, tmp_path):
    support.add_provider(session, {"name": "Omdurman Legal Aid"})
    out = tmp_path / "s.pdf"
    dossiers.export_dossier(session, case["ref"], out, "internal", "en")
    assert "Legal aid" in " ".join(text_of(out).split())


@pytest.mark.parametrize(
    ("language", "label", "date"),
    [("fr", "Journal des occultations", "2 mars 2026"), ("ar", "سجل التنقيح", None)],
)
def test_dossier_labels_and_dates_follow_the_dossier_language(
    session, case, tmp_path, language, label, date
):
    import datetime as dt

    from babel.dates import format_date

    out = tmp_path / f"{language}.pdf"
    dossiers.export_dossier(session, case["ref"], out, "legal", language)
    flat = " ".join(text_of(out).split())
    assert label in flat
    assert "Redaction log" not in flat and "Page 1 of" not in flat
    expected = date or format_date(dt.date(2026, 3, 2), format="medium", locale=language)
    controls = dict.fromkeys(
        map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    )
    plain, wanted = flat.translate(controls), expected.translate(controls)
    # An extractor may give a right-to-left date in visual order (2026/03/02).
    assert wanted in plain or "/".join(reversed(wanted.split("/"))) in plain
    qpdf_ok(out)


def test_the_dossier_lang_option_does_not_change_the_interface_language(cli, case, tmp_path):
    out = tmp_path / "ar.pdf"
    result = cli("export", "dossier", case["ref"], "--out", str(out), "--lang", "ar")
    assert result.code == 0, result.err
    assert "SHA-256" in result.out and "سجل التنقيح" in " ".join(text_of(out).split())
    french = cli("--lang", "fr", "export", "dossier", "NOPE-REF", "--out", str(tmp_path / "x.pdf"))
    assert french.code != 0 and "Aucun cas" in french.err


def test_a_un_submission_says_when_no_domestic_action_is_recorded(session, tmp_path):
    bare = cases.add_case(session, {"title": "No action yet"})
    out = tmp_path / "un.pdf"
    dossiers.export_dossier(session, bare["ref"], out, "un-submission", "en")
    flat = " ".join(text_of(out).split())
    assert "Actions taken with domestic authorities None recorded." in flat
