"""Consent records, withdrawal, and the "may X be used for Y" question."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from hrdesk.core.errors import NotFound, ValidationError
from hrdesk.services import cases, consent, support

D = dt.date


@pytest.fixture
def ref(session) -> str:
    return cases.add_case(
        session,
        {
            "title": "T",
            "people": [
                {"name": "Aung Min", "alias": "A.M.", "role": "victim"},
                {"name": "Army unit", "role": "alleged-perpetrator", "actor_type": "state"},
            ],
        },
    )["ref"]


def test_consent_is_in_force_from_its_date_until_withdrawn(session, ref) -> None:
    _case, person = consent.person_in_case(session, ref, "A.M.")
    consent_id = consent.record(session, ref, "Aung Min", "share-dossiers", True, D(2026, 3, 1))
    assert not consent.may(session, person, "share-dossiers", D(2026, 2, 28))
    assert consent.may(session, person, "share-dossiers", D(2026, 3, 1))
    assert not consent.may(session, person, "refer-providers", D(2026, 3, 1))
    consent.withdraw(session, consent_id, D(2026, 9, 1))
    assert consent.may(session, person, "share-dossiers", D(2026, 8, 31))
    assert not consent.may(session, person, "share-dossiers", D(2026, 9, 1))


def test_a_later_refusal_overrides_an_earlier_consent(session, ref) -> None:
    _case, person = consent.person_in_case(session, ref, "Aung Min")
    consent.record(session, ref, "Aung Min", "refer-providers", True, D(2026, 1, 1))
    consent.record(session, ref, "Aung Min", "refer-providers", False, D(2026, 5, 1))
    assert consent.may(session, person, "refer-providers", D(2026, 4, 30))
    assert not consent.may(session, person, "refer-providers", D(2026, 5, 1))


def test_recorded_consent_unlocks_a_referral(session, ref) -> None:
    support.add_provider(session, {"name": "Clinic"})
    referral = {"type": "medical", "person": "Aung Min", "provider": "Clinic", "status": "referred"}
    with pytest.raises(ValidationError, match="no consent"):
        support.add_service(session, ref, referral)
    consent.record(session, ref, "Aung Min", "refer-providers", True)
    assert support.add_service(session, ref, referral)["status"] == "referred"


def test_consent_is_for_people_of_the_case_only(session, ref) -> None:
    with pytest.raises(ValidationError) as actor:
        consent.record(session, ref, "Army unit", "store-data", True)
    assert actor.value.path == "person"
    with pytest.raises(ValidationError) as scope:
        consent.record(session, ref, "Aung Min", "sell-data", True)
    assert scope.value.path == "scope"
    with pytest.raises(NotFound):
        consent.withdraw(session, "no-such-consent")


def test_consent_history_names_who_recorded_it(session, ref) -> None:
    consent.record(session, ref, "Aung Min", "store-data", True, D(2026, 3, 1), "verbal")
    logged = [e for e in cases.history(session, ref) if e["entity"] == "consent"]
    assert {e["user"] for e in logged} == {"amina"}
    assert ("scope", "store-data") in {(e["field"], e["new"]) for e in logged}


def test_the_cli_records_lists_checks_and_withdraws(cli, session, ref) -> None:
    session.lock()
    check = ("consent", "check", ref, "--person", "Aung Min", "--scope", "share-dossiers")
    assert cli(*check).code == 1
    added = cli(
        "consent",
        "add",
        ref,
        "--person",
        "Aung Min",
        "--scope",
        "share-dossiers",
        "--note",
        "signed form",
    )
    assert added.code == 0, added.err
    assert (cli(*check).code, cli(*check).out.strip()) == (0, "yes")
    listed = cli("consent", "list", ref)
    assert "Aung Min: Share in dossiers" in listed.out and "Army unit" not in listed.out
    consent_id = json.loads(added.out)["id"]
    assert cli("consent", "withdraw", consent_id).code == 0
    assert cli(*check).code == 1


def test_consent_list_keeps_two_people_with_one_name_apart(session) -> None:
    ref = cases.add_case(
        session,
        {
            "title": "Namesakes",
            "people": [
                {
                    "name": "Ali Hassan",
                    "role": "victim",
                    "consents": [
                        {"scope": "share-dossiers", "granted": True, "date": "2026-01-01"}
                    ],
                },
                {"name": "Ali Hassan", "role": "witness"},
            ],
        },
    )["ref"]
    listed = consent.of_case(session, ref, D(2026, 6, 1))
    assert [p["in_force"]["share-dossiers"] for p in listed] == [True, False]
