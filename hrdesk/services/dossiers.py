"""Exporting dossiers: one case, or many (with a manifest), per profile and language.

The case is read from the vault, redacted by its profile, rendered and, when a
password is given, encrypted in memory; then written atomically. Batch export
streams: one case at a time, so memory stays flat over thousands of dossiers.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from hrdesk.core import vocab
from hrdesk.core.errors import ValidationError
from hrdesk.dossier import protect
from hrdesk.dossier.profiles import PROFILE_NAMES, PROFILES, build_content
from hrdesk.dossier.render import Meta, render
from hrdesk.i18n import Translator, _
from hrdesk.services import cases
from hrdesk.services.lookup import require_case
from hrdesk.store import queries
from hrdesk.store.atomic import write_atomic
from hrdesk.store.queries import CaseFilter
from hrdesk.store.vault import Session, vault_meta

MIN_PASSWORD = 8
__all__ = ["PROFILES", "PROFILE_NAMES", "export_dossier", "export_dossiers"]


@dataclass(frozen=True)
class Exported:
    ref: str
    path: Path
    sha256: str


def check_options(profile: str, password: str | None) -> None:
    if profile not in PROFILES:
        raise ValidationError(
            "profile",
            _("unknown profile (choose from: {choices})").format(choices=", ".join(PROFILES)),
        )
    if password is not None and len(password) < MIN_PASSWORD:
        raise ValidationError(
            "password",
            _("a dossier password needs at least {count} characters").format(count=MIN_PASSWORD),
        )


def dossier_bytes(
    session: Session,
    case_id: str,
    profile: str,
    language: str | None,
    today: dt.date | None = None,
) -> tuple[str, bytes]:
    """(ref, PDF bytes) of one case, unprotected, in memory."""
    today = today or dt.date.today()
    case = cases.get_case(session, case_id)
    translator = Translator(language)

    def role_label(role: str) -> str:
        term = next(t for t in vocab.terms("role") if t.slug == role)
        return translator.pgettext("role", term.label_source)

    history = queries.case_history(session.conn, case_id) if profile == "internal" else None
    content = build_content(case, profile, role_label, today, history)
    org = vault_meta(session).get("org_name", "")
    pdf = render(content, Meta(org_name=org, language=translator.language, generated_on=today))
    return case["ref"], pdf


def export_dossier(
    session: Session,
    ref: str,
    out: Path,
    profile: str = "legal",
    language: str | None = None,
    password: str | None = None,
    today: dt.date | None = None,
) -> Exported:
    check_options(profile, password)
    case_id = require_case(session, ref)
    ref, pdf = dossier_bytes(session, case_id, profile, language, today)
    data = protect.encrypt(pdf, password) if password else pdf
    write_atomic(Path(out), data)
    return Exported(ref, Path(out), hashlib.sha256(data).hexdigest())


def case_ids(session: Session, filters: CaseFilter | None, refs: Iterable[str]) -> list[str]:
    refs = list(refs)
    if refs:
        return [require_case(session, ref) for ref in refs]
    ids: list[str] = []
    offset = 0
    while True:
        page = queries.list_cases(session.conn, filters or CaseFilter(), 500, offset)
        ids += [row["id"] for row in page]
        if len(page) < 500:
            return ids
        offset += 500


def export_dossiers(
    session: Session,
    out_dir: Path,
    ids: list[str],
    profile: str = "legal",
    language: str | None = None,
    password: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    today: dt.date | None = None,
) -> list[Exported]:
    """One PDF per case into ``out_dir`` plus ``manifest.csv`` (file name, SHA-256).

    ``progress(done, total)`` may raise to cancel; dossiers already written stay,
    and the manifest lists exactly those.
    """
    check_options(profile, password)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    done: list[Exported] = []
    try:
        for index, case_id in enumerate(ids):
            ref, pdf = dossier_bytes(session, case_id, profile, language, today)
            data = protect.encrypt(pdf, password) if password else pdf
            path = out_dir / f"{ref}-{profile}.pdf"
            write_atomic(path, data)
            done.append(Exported(ref, path, hashlib.sha256(data).hexdigest()))
            if progress is not None:
                progress(index + 1, len(ids))
    finally:
        _write_manifest(out_dir, done)
    return done


def _write_manifest(out_dir: Path, done: list[Exported]) -> None:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["file", "case", "sha256"])
    for item in done:
        writer.writerow([item.path.name, item.ref, item.sha256])
    write_atomic(out_dir / "manifest.csv", text.getvalue().encode("utf-8"))
