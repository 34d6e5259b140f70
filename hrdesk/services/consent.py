"""Consent: what a person agreed to, when, recorded by whom, and withdrawal.

``may`` is the one question other parts ask before using someone's data for a
purpose: dossiers ask ``share-dossiers``, referrals ``refer-providers``, sync
``share-organization``. The latest record of the scope decides.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hrdesk.core import validate as v
from hrdesk.core import vocab, workflow
from hrdesk.core.errors import NotFound, ValidationError
from hrdesk.core.ids import new_id
from hrdesk.i18n import _
from hrdesk.services.lookup import require_case
from hrdesk.store import queries, support_queries
from hrdesk.store.vault import Session


def may(session: Session, person_id: str, scope: str, on: dt.date | None = None) -> bool:
    """Is consent for ``scope`` in force for this person (today, or on ``on``)?"""
    v.slug("consent-scope")(scope, "scope")
    records = support_queries.consents_of_person(session.conn, person_id)
    return workflow.consent_in_force(records, scope, (on or dt.date.today()).isoformat())


def person_in_case(session: Session, ref: str, name: str) -> tuple[str, str]:
    """(case id, person id) of a person of case ``ref`` named by name or alias."""
    case_id = require_case(session, ref)
    involvement_id = queries.involvement_labels(session.conn, case_id).get(name)
    person_id = involvement_id and support_queries.person_of_involvement(
        session.conn, involvement_id
    )
    if not person_id:
        raise ValidationError("person", _("is not the name or alias of a person in this case"))
    return case_id, person_id


def record(
    session: Session,
    ref: str,
    person: str,
    scope: str,
    granted: bool,
    on: dt.date | None = None,
    note: str | None = None,
) -> str:
    """Record a consent (or a refusal) given in the context of case ``ref``."""
    case_id, person_id = person_in_case(session, ref, person)
    values = {
        "person_id": person_id,
        "case_id": case_id,
        "scope": v.slug("consent-scope")(scope, "scope"),
        "granted": granted,
        "date": (on or dt.date.today()).isoformat(),
        "note": v.text(2_000)(note, "note") if note else None,
    }
    consent_id = new_id()
    with session.writer.batch() as batch:
        batch.put("consent", consent_id, values, new=True)
    return consent_id


def withdraw(session: Session, consent_id: str, on: dt.date | None = None) -> None:
    if not support_queries.consent_exists(session.conn, consent_id):
        raise NotFound(_("No consent with id {id}.").format(id=consent_id))
    with session.writer.batch() as batch:
        batch.put("consent", consent_id, {"withdrawn_on": (on or dt.date.today()).isoformat()})


def of_case(session: Session, ref: str, on: dt.date | None = None) -> list[dict[str, Any]]:
    """Each person of the case with their consent records and what is in force."""
    case_id = require_case(session, ref)
    day = on or dt.date.today()
    people = []
    for person in queries.get_case(session.conn, case_id)["people"]:  # type: ignore[index]
        person_id = support_queries.person_of_involvement(session.conn, person["id"])
        if person_id is None:  # an actor: consent is a person's
            continue
        records = support_queries.consents_of_person(session.conn, person_id)
        people.append(
            {
                "person": person.get("name") or person.get("alias"),
                "consents": person.get("consents", []),
                "in_force": {
                    scope: workflow.consent_in_force(records, scope, day.isoformat())
                    for scope in vocab.slugs("consent-scope")
                },
            }
        )
    return people
