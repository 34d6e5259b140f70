"""``hrdesk export dossier`` and ``hrdesk export dossiers``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from hrdesk.core import safeinput
from hrdesk.core.errors import HrdeskError
from hrdesk.i18n import _, ngettext
from hrdesk.services import dossiers
from hrdesk.store.queries import CaseFilter
from hrdesk.store.vault import Session


def _password(args: argparse.Namespace) -> str | None:
    if not args.password_file:
        return None
    try:
        raw = safeinput.read_text(args.password_file)
    except safeinput.Unreadable as exc:
        raise HrdeskError(
            _("Cannot read the password file {path}.").format(path=args.password_file)
        ) from exc
    password = raw.rstrip("\r\n")
    dossiers.check_options("legal", password)
    return password


def cmd_dossier(
    args: argparse.Namespace,
    session: Session,
    filters: Callable[[argparse.Namespace, Session], CaseFilter],
) -> int:
    password = _password(args)
    if args.format == "dossier":
        exported = dossiers.export_dossier(
            session, args.ref, Path(args.out), args.profile, args.dossier_lang, password
        )
        print(_("{path}  SHA-256 {sha256}").format(path=exported.path, sha256=exported.sha256))
        return 0
    ids = dossiers.case_ids(
        session, filters(args, session) if not args.refs else None, args.refs or []
    )

    def progress(done: int, total: int) -> None:
        print(_("{done}/{total}").format(done=done, total=total), end="\r", file=sys.stderr)

    exported = dossiers.export_dossiers(
        session, Path(args.out), ids, args.profile, args.dossier_lang, password, progress
    )
    print(
        ngettext(
            "{count} dossier written to {path} (manifest.csv lists their SHA-256).",
            "{count} dossiers written to {path} (manifest.csv lists their SHA-256).",
            len(exported),
        ).format(count=len(exported), path=args.out)
    )
    return 0
