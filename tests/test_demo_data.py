"""The demo data generator: reproducible, varied, and always valid case JSON.

The allowed keys below are those of docs/case-json.md, written out here on purpose: the
generator must keep to the documented shape even if the validator were to loosen.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from hrdesk.core import casejson
from hrdesk.resources import resource_path
from hrdesk.services.demo_data import generate_cases

TODAY = dt.date(2026, 3, 1)

CASE_KEYS = {
    "title",
    "status",
    "priority",
    "sensitivity",
    "summary",
    "opened_on",
    "closed_on",
    "location",
    "tags",
    "assigned",
    "people",
    "incidents",
    "notes",
    "services",
}
# Assigned by hrdesk (`id`, `ref`, timestamps), or needing a vault (`assigned`): demo data
# never carries them.
NEVER = {"id", "ref", "created_at", "updated_at", "assigned"}
SERVICE_KEYS = {
    "type",
    "person",
    "provider",
    "status",
    "requested_on",
    "started_on",
    "completed_on",
    "follow_up_on",
}
LOCATION_KEYS = {"country", "region", "locality"}
ACTOR_KEYS = {"name", "alias", "role", "actor_type"}
PERSON_ONLY_KEYS = {
    "sex",
    "gender",
    "birth_date",
    "birth_year",
    "age_range",
    "nationality",
    "languages",
    "contact",
    "vulnerabilities",
    "consents",
}
PERSON_KEYS = ACTOR_KEYS | PERSON_ONLY_KEYS
INCIDENT_KEYS = {
    "date",
    "date_precision",
    "place",
    "description",
    "violations",
    "victims",
    "perpetrators",
}
NOTE_KEYS = {"date", "text", "confidential"}
CONSENT_KEYS = {"scope", "granted", "date", "withdrawn_on", "note"}
DATE_FORMATS = {"exact": ("%Y-%m-%d",), "month": ("%Y-%m",), "year": ("%Y",)}
DATE_FORMATS["approximate"] = DATE_FORMATS["exact"] + DATE_FORMATS["month"] + DATE_FORMATS["year"]

# ISO 3166-1 alpha-2, officially assigned codes.
_ISO_3166_TEXT = """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
    BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
    DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS
    GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
    KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
    MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
    PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
    SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
    VN VU WF WS YE YT ZA ZM ZW
"""
ISO_3166 = frozenset(_ISO_3166_TEXT.split())

SCRIPTS = {
    "Arabic": re.compile("[\u0600-\u06ff]"),
    "Cyrillic": re.compile("[\u0400-\u04ff]"),
    "Myanmar": re.compile("[\u1000-\u109f]"),
}


def _vocabulary() -> dict[str, set[str]]:
    data = json.loads(resource_path("vocabularies.json").read_text(encoding="utf-8"))
    return {
        name: {item["slug"] for item in items} for name, items in data.items() if name[0] != "_"
    }


VOCAB = _vocabulary()


@pytest.fixture(scope="module")
def cases() -> list[dict[str, Any]]:
    return [*generate_cases(500, seed=1, today=TODAY), *generate_cases(500, seed=2, today=TODAY)]


def _date(value: str) -> dt.date:
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), value
    return dt.date.fromisoformat(value)


def _people(cases: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for case in cases:
        yield from case["people"]


def test_same_seed_gives_the_same_cases() -> None:
    first = list(generate_cases(300, seed=7, today=TODAY))
    assert first == list(generate_cases(300, seed=7, today=TODAY))
    assert json.loads(json.dumps(first)) == first  # plain JSON data, nothing else
    assert list(generate_cases(100, seed=7, today=TODAY)) == first[:100]


def test_different_seeds_give_different_cases() -> None:
    one = [case["title"] for case in generate_cases(50, seed=1, today=TODAY)]
    two = [case["title"] for case in generate_cases(50, seed=2, today=TODAY)]
    assert one != two


def test_count_and_today_are_honoured() -> None:
    assert list(generate_cases(0, seed=3, today=TODAY)) == []
    with pytest.raises(ValueError):
        generate_cases(-1)
    later = TODAY + dt.timedelta(days=400)
    early = list(generate_cases(40, seed=3, today=TODAY))
    late = list(generate_cases(40, seed=3, today=later))
    assert len(early) == 40
    shifts = {
        _date(b["opened_on"]) - _date(a["opened_on"]) for a, b in zip(early, late, strict=True)
    }
    assert shifts == {later - TODAY}
    for case in generate_cases(20, seed=3):
        assert dt.date.today() - dt.timedelta(days=3 * 366) <= _date(case["opened_on"])
        assert _date(case["opened_on"]) <= dt.date.today()


def test_only_documented_keys(cases: list[dict[str, Any]]) -> None:
    for case in cases:
        assert set(case) <= CASE_KEYS - NEVER
        assert {"title", "status", "priority", "sensitivity", "opened_on", "location"} <= set(case)
        assert 1 <= len(case["title"]) <= 300
        assert set(case["location"]) <= LOCATION_KEYS and "country" in case["location"]
        for person in case["people"]:
            assert set(person) <= PERSON_KEYS
            assert "role" in person and ("name" in person or "alias" in person)
            for consent in person.get("consents", []):
                assert set(consent) <= CONSENT_KEYS and {"scope", "granted"} <= set(consent)
        for incident in case["incidents"]:
            assert set(incident) <= INCIDENT_KEYS
        for note in case.get("notes", []):
            assert set(note) <= NOTE_KEYS and note["text"]
            assert isinstance(note["confidential"], bool)


def test_structure_is_plausible(cases: list[dict[str, Any]]) -> None:
    for case in cases:
        roles = [person["role"] for person in case["people"]]
        assert 1 <= len(roles) <= 4 and "victim" in roles
        assert 1 <= len(case["incidents"]) <= 2
        assert 0 <= len(case.get("notes", [])) <= 3
        assert len(case.get("tags", [])) <= 3 and len(set(case.get("tags", []))) == len(
            case.get("tags", [])
        )
        for incident in case["incidents"]:
            assert 1 <= len(incident["violations"]) <= 2 and incident["victims"]
    statuses = {case["status"] for case in cases}
    assert {"open", "active", "closed"} <= statuses
    assert any(case["priority"] == "urgent" for case in cases)
    assert any(note["confidential"] for case in cases for note in case.get("notes", []))
    assert any("alias" in person for person in _people(cases))
    assert any("actor_type" in person for person in _people(cases))
    assert any(
        c["scope"] == "share-dossiers" for p in _people(cases) for c in p.get("consents", [])
    )


def test_services_are_plausible_and_referred_only_with_consent(
    cases: list[dict[str, Any]],
) -> None:
    services = [(case, service) for case in cases for service in case.get("services", [])]
    assert len(services) > 200
    for case, service in services:
        assert set(service) <= SERVICE_KEYS
        assert service["type"] in VOCAB["service-type"]
        assert service["status"] in VOCAB["service-status"]
        person = next(p for p in case["people"] if p.get("name") == service["person"])
        assert "actor_type" not in person
        if "provider" in service:
            assert any(
                c["scope"] == "refer-providers" and c["granted"] and "withdrawn_on" not in c
                for c in person.get("consents", [])
            )
        dates = [service[k] for k in ("requested_on", "started_on", "completed_on") if k in service]
        assert dates == sorted(dates) and case["opened_on"] <= dates[0]
        assert ("completed_on" in service) == (service["status"] == "completed")
    statuses = {service["status"] for _case, service in services}
    assert {"planned", "referred", "in-progress", "completed"} <= statuses
    assert any("provider" in s for _c, s in services)
    assert any("follow_up_on" in s for _c, s in services)


def test_vocabulary_slugs_are_valid(cases: list[dict[str, Any]]) -> None:
    for case in cases:
        assert case["status"] in VOCAB["case-status"]
        assert case["priority"] in VOCAB["priority"]
        assert case["sensitivity"] in VOCAB["sensitivity"]
        for person in case["people"]:
            assert person["role"] in VOCAB["role"]
            assert person.get("actor_type", "unknown") in VOCAB["actor-type"]
            assert person.get("sex", "unknown") in VOCAB["sex"]
            assert set(person.get("vulnerabilities", [])) <= VOCAB["vulnerability"]
            for consent in person.get("consents", []):
                assert consent["scope"] in VOCAB["consent-scope"]
        for incident in case["incidents"]:
            assert incident["date_precision"] in VOCAB["date-precision"]
            assert set(incident["violations"]) <= VOCAB["violation"]


def test_dates_are_consistent(cases: list[dict[str, Any]]) -> None:
    for case in cases:
        opened = _date(case["opened_on"])
        assert TODAY - dt.timedelta(days=3 * 366) <= opened <= TODAY
        closed = _date(case["closed_on"]) if case.get("closed_on") else None
        assert closed is None or opened <= closed <= TODAY
        assert (closed is not None) == (case["status"] in {"closed", "archived"})
        for note in case.get("notes", []):
            assert opened <= _date(note["date"]) <= (closed or TODAY)
        for incident in case["incidents"]:
            formats = DATE_FORMATS[incident["date_precision"]]
            parsed = []
            for fmt in formats:
                try:
                    parsed.append(dt.datetime.strptime(incident["date"], fmt).date())
                except ValueError:
                    continue
            assert parsed, (incident["date"], incident["date_precision"])
            assert parsed[0] <= TODAY
        for person in case["people"]:
            if "birth_year" in person:
                assert type(person["birth_year"]) is int
                assert 1940 <= person["birth_year"] <= TODAY.year
            if "birth_date" in person:
                assert dt.date(1940, 1, 1) <= _date(person["birth_date"]) <= TODAY
            if "age_range" in person:
                low, high = map(int, re.fullmatch(r"(\d+)-(\d+)", person["age_range"]).groups())
                assert low <= high
            for consent in person.get("consents", []):
                assert opened <= _date(consent["date"]) <= TODAY
                if consent.get("withdrawn_on"):
                    assert _date(consent["date"]) <= _date(consent["withdrawn_on"]) <= TODAY


def test_incidents_refer_to_people_of_the_case(cases: list[dict[str, Any]]) -> None:
    for case in cases:
        names = [person["name"] for person in case["people"] if "name" in person]
        labels = names + [p["alias"] for p in case["people"] if "alias" in p]
        assert len(labels) == len(set(labels)), labels
        victims = {p["name"] for p in case["people"] if p["role"] == "victim"}
        perpetrators = {p["name"] for p in case["people"] if p["role"] == "alleged-perpetrator"}
        for incident in case["incidents"]:
            assert set(incident["victims"]) <= victims
            assert set(incident.get("perpetrators", [])) <= perpetrators


def test_actors_carry_no_person_only_keys(cases: list[dict[str, Any]]) -> None:
    actors = [person for person in _people(cases) if "actor_type" in person]
    assert actors
    for actor in actors:
        assert set(actor) <= ACTOR_KEYS


def test_countries_languages_and_phone_numbers(cases: list[dict[str, Any]]) -> None:
    assert len(ISO_3166) == 249
    for case in cases:
        assert case["location"]["country"] in ISO_3166
        for person in case["people"]:
            assert person.get("nationality", "SD") in ISO_3166
            for code in person.get("languages", []):
                assert re.fullmatch(r"[a-z]{2,3}", code)
            if "contact" in person:
                # The fictional 555-01xx range, after a real country calling code.
                assert re.fullmatch(r"\+\d{1,3} \d{1,3} 555 01\d\d", person["contact"])
    countries = {case["location"]["country"] for case in cases}
    assert {"SD", "YE", "SY", "UA", "MM", "IR", "CO", "MX", "GT"} <= countries


def test_several_languages_and_scripts(cases: list[dict[str, Any]]) -> None:
    titles = [case["title"] for case in cases]
    for script, pattern in SCRIPTS.items():
        assert any(pattern.search(title) for title in titles), script
    latin = [t for t in titles if not any(p.search(t) for p in SCRIPTS.values())]
    assert any(re.search("[áéíóúñ]", t) for t in latin)  # Spanish
    assert any(re.search("[àâçèéêëîôù]", t) for t in latin)  # French
    assert any(re.fullmatch(r"[\x00-\x7f]+", t) for t in latin)  # English
    arabic = [c for c in cases if c["location"]["country"] in {"SD", "YE", "SY"}]
    for case in arabic:
        assert SCRIPTS["Arabic"].search(case["people"][0]["name"])
        assert SCRIPTS["Arabic"].search(case["location"]["region"])


def test_text_varies(cases: list[dict[str, Any]]) -> None:
    titles = [case["title"] for case in cases]
    summaries = [case["summary"] for case in cases if "summary" in case]
    assert len(set(titles)) >= 0.8 * len(titles)
    assert len(set(summaries)) >= 0.8 * len(summaries)


def test_accepted_by_the_case_validator(cases: list[dict[str, Any]]) -> None:
    for index, case in enumerate(cases):
        parsed = casejson.parse_new_case(json.loads(json.dumps(case)), TODAY)
        assert parsed["title"] == case["title"], index


def test_a_large_run_streams() -> None:
    # No time limit is asserted here (machines differ); the benchmarks time 100,000 cases.
    count = sum(1 for _ in generate_cases(10_000, seed=11, today=TODAY))
    assert count == 10_000
