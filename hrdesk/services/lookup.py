"""Resolving what users type (a case reference, user names) to stored ids."""

from __future__ import annotations

from hrdesk.core.errors import NotFound, ValidationError
from hrdesk.i18n import _
from hrdesk.store import queries
from hrdesk.store.vault import Session


def require_case(session: Session, ref: str) -> str:
    case_id = queries.case_id_by_ref(session.conn, ref)
    if case_id is None:
        raise NotFound(_("No case with reference {ref}.").format(ref=ref))
    return case_id


def user_ids(session: Session, names: list[str], path: str) -> list[str]:
    by_name = {name: user_id for user_id, name in queries.user_names(session.conn).items()}
    ids = []
    for index, name in enumerate(names):
        if name not in by_name:
            where = f"{path}[{index}]" if len(names) > 1 or path == "assigned" else path
            raise ValidationError(where, _("is not a user of this vault"))
        ids.append(by_name[name])
    return ids
