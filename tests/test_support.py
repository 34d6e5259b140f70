"""Support services, referrals, providers and follow-ups on a real vault."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from hrdesk.core import workflow
from hrdesk.core.errors import ValidationError
from hrdesk.services import cases, support, users
from hrdesk.store import migrations, vault

from .conftest import PASSPHRASE

TODAY = dt.date(2026, 11, 24)


def _case(session, consents=()) -> str:
    return cases.add_case(
        session,
        {
            "title": "Family displaced",
            "people": [
                {"name": "Fatima Ali", "role": "victim", "consents": list(consents)},
                {"name": "Unit 9", "role": "alleged-perpetrator", "actor_type": "state"},
            ],
        },
    )["ref"]


@pytest.fixture
def shelter(session) -> str:
    support.add_provider(session, {"name": "Safe House Network", "services": ["shelter"]})
    return "Safe House Network"


def _statuses(session, ref: str) -> list[tuple[object, object]]:
    return [
        (entry["old"], entry["new"])
        for entry in cases.history(session, ref)
        if entry["entity"] == "service" and entry["field"] == "status"
    ]


def test_an_own_service_follows_the_workflow_and_dates_itself(session) -> None:
    ref = _case(session)
    service = support.add_service(
        session, ref, {"type": "legal-aid", "person": "Fatima Ali"}, TODAY
    )
    assert (service["status"], service["requested_on"]) == ("planned", "2026-11-24")
    started = support.update_service(session, service["id"], {"status": "in-progress"}, TODAY)
    assert started["started_on"] == "2026-11-24"
    done = support.update_service(
        session, service["id"], {"status": "completed", "outcome": "Released on bail"}, TODAY
    )
    assert (done["completed_on"], done["outcome"]) == ("2026-11-24", "Released on bail")
    assert _statuses(session, ref) == [
        (None, "planned"),
        ("planned", "in-progress"),
        ("in-progress", "completed"),
    ]


@pytest.mark.parametrize(
    ("start", "illegal"),
    [
        ("planned", "completed"),
        ("referred", "in-progress"),
        ("completed", "in-progress"),
        ("cancelled", "planned"),
        ("declined", "accepted"),
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(session, start, illegal) -> None:
    ref = _case(session, [{"scope": "refer-providers", "granted": True, "date": "2026-01-01"}])
    support.add_provider(session, {"name": "Clinic"})
    service = support.add_service(
        session,
        ref,
        {"type": "medical", "person": "Fatima Ali", "provider": "Clinic", "status": start},
        TODAY,
    )
    before = _statuses(session, ref)
    with pytest.raises(ValidationError, match="cannot go from") as refused:
        support.update_service(session, service["id"], {"status": illegal}, TODAY)
    assert refused.value.path == "status"
    assert _statuses(session, ref) == before


def test_a_referral_needs_consent(session, shelter) -> None:
    ref = _case(session)
    with pytest.raises(ValidationError, match="no consent in force"):
        support.add_service(
            session,
            ref,
            {"type": "shelter", "person": "Fatima Ali", "provider": shelter, "status": "referred"},
            TODAY,
        )
    assert cases.show_case(session, ref).get("services") is None


def test_a_referral_with_consent_in_force_is_allowed(session, shelter) -> None:
    ref = _case(session, [{"scope": "refer-providers", "granted": True, "date": "2026-11-01"}])
    service = support.add_service(
        session, ref, {"type": "shelter", "person": "Fatima Ali", "provider": shelter}, TODAY
    )
    referred = support.update_service(session, service["id"], {"status": "referred"}, TODAY)
    assert referred["status"] == "referred" and "consent_override" not in referred


def test_a_withdrawn_consent_no_longer_allows_a_referral(session, shelter) -> None:
    ref = _case(
        session,
        [
            {
                "scope": "refer-providers",
                "granted": True,
                "date": "2026-01-01",
                "withdrawn_on": "2026-11-01",
            }
        ],
    )
    with pytest.raises(ValidationError, match="no consent in force"):
        support.add_service(
            session,
            ref,
            {"type": "shelter", "person": "Fatima Ali", "provider": shelter, "status": "referred"},
            TODAY,
        )


def test_an_override_records_why_and_who(session, shelter) -> None:
    ref = _case(session)
    reason = "Imminent danger; consent could not be obtained"
    service = support.add_service(
        session,
        ref,
        {
            "type": "shelter",
            "person": "Fatima Ali",
            "provider": shelter,
            "status": "referred",
            "consent_override": reason,
        },
        TODAY,
    )
    assert service["consent_override"] == reason
    logged = [e for e in cases.history(session, ref) if e["field"] == "consent_override"]
    assert [(e["user"], e["new"]) for e in logged] == [("amina", reason)]


def test_consent_in_force_reads_the_latest_record() -> None:
    record = workflow.ConsentRecord
    records = [
        record("refer-providers", True, "2026-01-01", None),
        record("refer-providers", False, "2026-06-01", None),
        record("store-data", True, "2026-01-01", None),
    ]
    assert workflow.consent_in_force(records, "refer-providers", "2026-03-01")
    assert not workflow.consent_in_force(records, "refer-providers", "2026-07-01")
    assert not workflow.consent_in_force(records, "share-dossiers", "2026-07-01")


def test_services_need_a_person_of_the_case_and_a_known_provider(session) -> None:
    ref = _case(session)
    with pytest.raises(ValidationError) as unknown_person:
        support.add_service(session, ref, {"type": "medical", "person": "Nobody"}, TODAY)
    assert unknown_person.value.path == "person"
    with pytest.raises(ValidationError) as actor:
        support.add_service(session, ref, {"type": "medical", "person": "Unit 9"}, TODAY)
    assert actor.value.path == "person"
    with pytest.raises(ValidationError) as provider:
        support.add_service(
            session, ref, {"type": "medical", "person": "Fatima Ali", "provider": "Unknown"}, TODAY
        )
    assert provider.value.path == "provider"
    with pytest.raises(ValidationError) as key:
        support.add_service(session, ref, {"type": "medical", "person": "Fatima Ali", "x": 1})
    assert key.value.path == "x"


def test_provider_names_are_unique_whatever_the_accents(session) -> None:
    support.add_provider(session, {"name": "Clínica San José", "languages": ["es"]})
    with pytest.raises(ValidationError, match="already exists"):
        support.add_provider(session, {"name": "clinica san jose"})
    assert [p["name"] for p in support.list_providers(session)] == ["Clínica San José"]


def test_followup_windows_and_assignees(session) -> None:
    users.add_user(session, "karim", "caseworker", "karim's own passphrase")
    ref = _case(session)
    for due, who in [
        ("2026-11-20", "amina"),
        ("2026-11-24", "karim"),
        ("2026-11-28", "amina"),
        ("2026-12-15", "karim"),
    ]:
        support.add_followup(
            session, ref, {"due_on": due, "text": f"Call on {due}", "assignee": who}
        )

    def due(window=None, assignee=None) -> list[str]:
        return [f["due_on"] for f in support.followups(session, window, assignee, TODAY)]

    assert due("overdue") == ["2026-11-20"]
    assert due("today") == ["2026-11-24"]
    assert due("week") == ["2026-11-24", "2026-11-28"]
    assert due() == ["2026-11-20", "2026-11-24", "2026-11-28", "2026-12-15"]
    assert due(assignee="karim") == ["2026-11-24", "2026-12-15"]
    overdue = support.followups(session, "overdue", None, TODAY)[0]
    support.complete_followup(session, overdue["id"], TODAY)
    assert due("overdue") == []


def test_a_case_shows_its_services_and_followups(session, shelter) -> None:
    ref = _case(session, [{"scope": "refer-providers", "granted": True, "date": "2026-11-01"}])
    support.add_service(
        session,
        ref,
        {
            "type": "shelter",
            "person": "Fatima Ali",
            "provider": shelter,
            "status": "referred",
            "follow_up_on": "2026-12-01",
        },
        TODAY,
    )
    shown = cases.show_case(session, ref)
    assert [(s["type"], s["provider"], s["follow_up_on"]) for s in shown["services"]] == [
        ("shelter", shelter, "2026-12-01")
    ]
    assert [f["due_on"] for f in shown["followups"]] == ["2026-12-01"]


def test_a_schema_1_vault_upgrades_to_services(tmp_path: Path, monkeypatch) -> None:
    from .conftest import cheap_params

    original = (migrations.STEPS, migrations.LATEST)
    monkeypatch.setattr(migrations, "STEPS", migrations.STEPS[:1])
    monkeypatch.setattr(migrations, "LATEST", 1)
    created = vault.create_vault(tmp_path / "v", PASSPHRASE, "Org", "amina", cheap_params())
    # Written as schema 1 knew it (add_cases does not read the case back).
    cases.add_cases(
        created.session,
        [{"title": "Old case", "people": [{"name": "Fatima Ali", "role": "victim"}]}],
    )
    ref = cases.list_cases(created.session, cases.CaseFilter())[0]["ref"]
    created.session.lock()
    monkeypatch.setattr(migrations, "STEPS", original[0])
    monkeypatch.setattr(migrations, "LATEST", original[1])

    with vault.unlock(tmp_path / "v", PASSPHRASE) as session:
        assert session.conn.execute("PRAGMA user_version").fetchone()[0] == original[1]
        service = support.add_service(
            session, ref, {"type": "documentation", "person": "Fatima Ali"}, TODAY
        )
        assert cases.show_case(session, ref)["services"][0]["id"] == service["id"]
    assert len(list((tmp_path / "v" / "backups").glob("hrdesk-schema1-*.db"))) == 1


def test_the_cli_runs_services_providers_and_followups(cli, session) -> None:
    ref = _case(session)
    session.lock()
    added = cli("provider", "add", "--json", "-", stdin=json.dumps({"name": "Legal Clinic"}))
    assert added.code == 0, added.err
    service = cli(
        "service",
        "add",
        ref,
        "--json",
        "-",
        stdin=json.dumps(
            {
                "type": "legal-aid",
                "person": "Fatima Ali",
                "provider": "Legal Clinic",
                "status": "referred",
            }
        ),
    )
    assert service.code == 1 and "consent" in service.err
    service = cli(
        "service",
        "add",
        ref,
        "--json",
        "-",
        stdin=json.dumps(
            {"type": "legal-aid", "person": "Fatima Ali", "follow_up_on": "2020-01-01"}
        ),
    )
    assert service.code == 0, service.err
    service_id = json.loads(service.out)["id"]
    moved = cli("service", "update", service_id, "--json", "-", stdin='{"status": "in-progress"}')
    assert json.loads(moved.out)["status"] == "in-progress"
    listed = cli("service", "list", "--status", "in-progress", "--json")
    assert [s["id"] for s in json.loads(listed.out)] == [service_id]
    overdue = cli("followups", "--overdue", "--json")
    (item,) = json.loads(overdue.out)
    assert (item["case_ref"], item["due_on"]) == (ref, "2020-01-01")
    assert cli("followup", "done", item["id"]).code == 0
    assert json.loads(cli("followups", "--overdue", "--json").out) == []
    assert "Legal Clinic" in cli("provider", "list").out


# -- services inside the case JSON (docs/case-json.md) ------------------------------------


def _with_services(services, consents=()) -> dict:
    return {
        "title": "Detention of market traders",
        "people": [
            {"name": "Amina Yusuf", "role": "victim", "consents": list(consents)},
            {"name": "Unit 7 police", "role": "alleged-perpetrator", "actor_type": "state"},
        ],
        "services": services,
    }


def test_case_json_services_are_created_with_their_providers_and_followups(session) -> None:
    case = cases.add_case(
        session,
        _with_services(
            [
                {
                    "type": "legal-aid",
                    "person": "Amina Yusuf",
                    "status": "in-progress",
                    "follow_up_on": "2026-03-15",
                },
                {
                    "type": "medical",
                    "person": "Amina Yusuf",
                    "provider": "Omdurman Clinic",
                    "status": "referred",
                },
            ],
            consents=[{"scope": "refer-providers", "granted": True, "date": "2026-03-01"}],
        ),
        today=TODAY,
    )
    shown = [(s["type"], s.get("provider"), s["status"]) for s in case["services"]]
    assert shown == [("legal-aid", None, "in-progress"), ("medical", "Omdurman Clinic", "referred")]
    assert [p["name"] for p in support.list_providers(session)] == ["Omdurman Clinic"]
    assert [f["due_on"] for f in case["followups"]] == ["2026-03-15"]


def test_case_json_referral_without_consent_is_refused_whole(session) -> None:
    with pytest.raises(ValidationError) as refused:
        cases.add_case(
            session,
            _with_services(
                [
                    {
                        "type": "shelter",
                        "person": "Amina Yusuf",
                        "provider": "Safe House",
                        "status": "referred",
                    }
                ]
            ),
        )
    assert refused.value.path == "services[0].status"
    assert cases.list_cases(session, cases.CaseFilter()) == []
    assert support.list_providers(session) == []


@pytest.mark.parametrize(
    ("service", "path"),
    [
        ({"type": "shelter", "person": "Nobody"}, "services[0].person"),
        ({"type": "shelter", "person": "Unit 7 police"}, "services[0].person"),
        ({"type": "haircut", "person": "Amina Yusuf"}, "services[0].type"),
        ({"type": "shelter", "person": "Amina Yusuf", "colour": "red"}, "services[0].colour"),
        (
            {
                "type": "shelter",
                "person": "Amina Yusuf",
                "requested_on": "2026-03-05",
                "started_on": "2026-03-01",
            },
            "services[0].started_on",
        ),
    ],
)
def test_case_json_service_errors_name_the_field(session, service, path) -> None:
    with pytest.raises(ValidationError) as refused:
        cases.add_case(session, _with_services([service]))
    assert refused.value.path == path


def test_services_are_not_changed_through_a_case_update(session) -> None:
    ref = cases.add_case(session, _with_services([]))["ref"]
    with pytest.raises(ValidationError, match="hrdesk service") as refused:
        cases.update_case(session, ref, {"services": [{"type": "medical"}]})
    assert refused.value.path == "services"


def test_the_cli_makes_and_lists_referrals(cli, session) -> None:
    ref = _case(session)
    service_id = support.add_service(session, ref, {"type": "medical", "person": "Fatima Ali"})[
        "id"
    ]
    support.add_provider(session, {"name": "District Hospital"})
    session.lock()
    refused = cli("referral", "make", service_id, "--provider", "District Hospital")
    assert refused.code == 1 and "consent" in refused.err
    made = cli(
        "referral",
        "make",
        service_id,
        "--provider",
        "District Hospital",
        "--override",
        "Emergency surgery; patient unconscious",
    )
    assert made.code == 0, made.err
    assert json.loads(made.out)["status"] == "referred"
    listed = json.loads(cli("referral", "list", "--json").out)
    assert [(r["case_ref"], r["provider"]) for r in listed] == [(ref, "District Hospital")]
