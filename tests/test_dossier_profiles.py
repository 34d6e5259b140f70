"""Redaction profiles: who is named, who is pseudonymized, what is withheld, and the log."""

from __future__ import annotations

import datetime as dt

import pytest

from hrdesk.dossier.profiles import PROFILES, age_range, build_content

TODAY = dt.date(2026, 11, 24)
CANARY = "Zainab Canary-Osprey"


def role_label(role: str) -> str:
    return {"victim": "Victim", "witness": "Witness", "alleged-perpetrator": "Perpetrator"}[role]


def consent(scope: str, granted: bool = True, withdrawn_on: str | None = None) -> dict:
    return {
        "id": scope,
        "scope": scope,
        "granted": granted,
        "date": "2026-01-01",
        "withdrawn_on": withdrawn_on,
    }


CASE = {
    "id": "c1",
    "ref": "2026-ABCD-0001",
    "title": f"Detention of {CANARY}",
    "status": "open",
    "priority": "high",
    "sensitivity": "sensitive",
    "summary": f"{CANARY} and Omar Haddad were detained. zainab canary-osprey was beaten.",
    "opened_on": "2026-02-01",
    "location": {"country": "SD", "region": "Khartoum", "locality": "Bahri"},
    "people": [
        {
            "id": "p1",
            "role": "victim",
            "name": CANARY,
            "alias": "Z.C.",
            "contact": "+249 91 555",
            "birth_year": 1990,
            "sex": "female",
            "consents": [consent("share-dossiers")],
        },
        {
            "id": "p2",
            "role": "victim",
            "name": "Omar Haddad",
            "contact": "omar@example.org",
            "consents": [consent("share-dossiers", withdrawn_on="2026-06-01")],
        },
        {"id": "p3", "role": "witness", "name": "Amal Nour", "consents": []},
        {
            "id": "a1",
            "role": "alleged-perpetrator",
            "name": "Rapid Support unit 7",
            "actor_type": "non-state-armed",
        },
    ],
    "incidents": [
        {
            "id": "i1",
            "date": "2026-01-15",
            "date_precision": "exact",
            "place": "Bahri market",
            "description": "Omar Haddad was taken by Rapid Support unit 7.",
            "violations": ["arbitrary-detention"],
            "victims": [CANARY, "Omar Haddad"],
            "perpetrators": ["Rapid Support unit 7"],
        },
    ],
    "notes": [
        {"id": "n1", "date": "2026-02-02", "text": "Called the family.", "confidential": False},
        {"id": "n2", "date": "2026-02-03", "text": "Informant: Amal Nour.", "confidential": True},
    ],
    "services": [
        {
            "id": "s1",
            "type": "legal-aid",
            "person": "Omar Haddad",
            "status": "referred",
            "provider": "Legal Aid Khartoum",
            "outcome": "Omar Haddad's hearing set.",
        },
        {"id": "s2", "type": "medical", "person": CANARY, "status": "completed"},
    ],
    "followups": [{"id": "f1", "due_on": "2026-12-01", "text": "Call back"}],
    "attachments": [
        {
            "id": "e1",
            "filename": "omar-statement.pdf",
            "sha256": "ab" * 32,
            "size": 10,
            "custody": [],
        }
    ],
}


def content(profile: str):
    return build_content(CASE, profile, role_label, TODAY, history=[{"field": "status"}])


def names(result) -> list[str]:
    return [p["name"] for p in result.people]


def test_internal_shows_everything():
    result = content("internal")
    assert names(result) == [CANARY, "Omar Haddad", "Amal Nour", "Rapid Support unit 7"]
    assert len(result.notes) == 2 and result.followups and result.evidence and result.history
    assert result.people[0]["contact"] == "+249 91 555"
    assert result.log == []


def test_legal_names_consenting_people_and_pseudonymizes_the_others():
    result = content("legal")
    assert names(result) == [CANARY, "Victim A", "Witness A", "Rapid Support unit 7"]
    assert result.people[0]["contact"] == "+249 91 555"  # full identity, consent given
    assert "contact" not in result.people[1]  # consent withdrawn before today
    assert result.unconsented == ["Victim A", "Witness A"]
    assert [n["text"] for n in result.notes] == ["Called the family."]
    assert result.evidence and not result.history and not result.followups
    assert result.incidents[0]["victims"] == [CANARY, "Victim A"]
    text = repr(result.case) + repr(result.incidents) + repr(result.services)
    assert "Omar" not in text and "Amal" not in text
    reasons = {entry.reason for entry in result.log}
    assert "no consent to share dossiers in force on the day of export" in reasons
    assert "confidential notes are for internal dossiers only" in reasons


def test_advocacy_names_nobody_and_generalizes():
    result = content("advocacy")
    assert names(result) == ["Victim A", "Victim B", "Witness A", "Rapid Support unit 7"]
    assert result.people[0]["age_range"] == "30-39" and "contact" not in result.people[0]
    assert result.incidents[0]["place"] == "Khartoum, SD"
    assert "locality" not in result.case["location"]
    assert not result.notes and not result.evidence and result.evidence_count == 1
    flat = repr(result.case) + repr(result.incidents) + repr(result.services) + repr(result.people)
    assert CANARY.casefold() not in flat.casefold()  # also the lower-case mention
    assert "Z.C." not in flat and "Bahri" not in flat
    assert result.case["summary"] == ("Victim A and Victim B were detained. Victim A was beaten.")


def test_un_submission_keeps_what_the_communication_asks_for():
    result = content("un-submission")
    assert names(result) == [CANARY, "Victim A", "Witness A", "Rapid Support unit 7"]
    assert "contact" not in result.people[0]
    assert result.people[0]["consent_to_share"] is True
    assert result.people[1]["consent_to_share"] is False
    assert [s["type"] for s in result.services] == ["legal-aid"]  # action with authorities
    assert result.incidents[0]["date"] == "2026-01-15"
    assert result.incidents[0]["place"] == "Bahri market"
    assert not result.notes and not result.evidence


@pytest.mark.parametrize("profile", PROFILES)
def test_every_external_profile_logs_each_pseudonym(profile):
    result = content(profile)
    pseudonyms = [p["name"] for p in result.people if p.get("pseudonym")]
    logged = [e.subject for e in result.log if e.action == "pseudonymized"]
    assert logged == pseudonyms


def test_age_ranges():
    assert age_range({"birth_date": "1990-05-01"}, TODAY) == "30-39"
    assert age_range({"birth_year": 2010}, TODAY) == "10-19"
    assert age_range({"age_range": "40-49"}, TODAY) == "40-49"
    assert age_range({}, TODAY) is None
