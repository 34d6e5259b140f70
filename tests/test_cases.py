"""The case service and its op-log, called directly on a real vault."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest

from hrdesk.core.errors import ValidationError
from hrdesk.services import cases
from hrdesk.store import oplog as log
from hrdesk.store.queries import CaseFilter
from hrdesk.store.writer import DeviceState

DOCS = Path(__file__).resolve().parents[1] / "docs" / "case-json.md"
REF = re.compile(r"^(\d{4})-([0-9A-HJKMNP-TV-Z]{4})-(\d{4})$")

FULL_CASE: dict[str, Any] = {
    "title": "Detentions at the university",
    "status": "active",
    "priority": "high",
    "sensitivity": "sensitive",
    "summary": "Students were taken from the campus.",
    "opened_on": "2026-02-01",
    "closed_on": None,
    "location": {"country": "sd", "region": "Khartoum", "locality": "Bahri"},
    "tags": ["students", "campus"],
    "assigned": ["amina"],
    "people": [
        {
            "name": "Hassan Ali",
            "alias": "H.",
            "role": "victim",
            "sex": "male",
            "gender": "man",
            "birth_year": 2001,
            "age_range": "20-29",
            "nationality": "SD",
            "languages": ["ar", "en"],
            "contact": "+249 000 000",
            "vulnerabilities": ["detained"],
            "consents": [{"scope": "store-data", "granted": True, "note": "verbal, recorded"}],
        },
        {"name": "Rapid Unit 7", "role": "alleged-perpetrator", "actor_type": "state"},
    ],
    "incidents": [
        {
            "date": "2026-01",
            "date_precision": "month",
            "place": "Bahri campus",
            "description": "Arrests during a sit-in.",
            "violations": ["arbitrary-detention"],
            "victims": ["Hassan Ali"],
            "perpetrators": ["Rapid Unit 7"],
        }
    ],
    "notes": [{"date": "2026-02-02", "text": "Family informed.", "confidential": True}],
}


def oplog(session) -> list:
    return list(log.all_ops(session.conn))


def op_count(session) -> int:
    return session.conn.execute("SELECT count(*) FROM ops").fetchone()[0]


def ops_for(session, entity_id: str, field: str) -> list:
    return [op for op in oplog(session) if op.entity_id == entity_id and op.field == field]


def documented_keys(section: str) -> set[str]:
    """The keys in the table under ``## <section>`` of docs/case-json.md."""
    text = DOCS.read_text(encoding="utf-8")
    body = text.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([a-z_]+)` \|", body, flags=re.MULTILINE))


# -- add, update, show ----------------------------------------------------------------------


def test_add_case_returns_the_stored_case_with_defaults(session):
    case = cases.add_case(session, {"title": "  Minimal  "}, today=dt.date(2026, 3, 4))

    assert case["title"] == "Minimal"
    assert (case["status"], case["priority"], case["sensitivity"]) == ("open", "normal", "standard")
    assert case["opened_on"] == "2026-03-04"
    assert cases.show_case(session, case["ref"]) == case


def test_add_case_keeps_every_documented_field(session):
    case = cases.add_case(session, FULL_CASE)

    assert case["location"] == {"country": "SD", "region": "Khartoum", "locality": "Bahri"}
    assert case["assigned"] == ["amina"]
    hassan, unit = case["people"]
    assert hassan["languages"] == ["ar", "en"]
    assert hassan["contact"] == "+249 000 000"
    assert hassan["consents"][0]["scope"] == "store-data"
    assert unit["actor_type"] == "state"
    incident = case["incidents"][0]
    assert (incident["victims"], incident["perpetrators"]) == (["Hassan Ali"], ["Rapid Unit 7"])
    note = case["notes"][0]
    assert (note["text"], note["confidential"], note["author"]) == (
        "Family informed.",
        True,
        "amina",
    )


def test_update_case_changes_only_the_given_fields(session):
    case = cases.add_case(session, FULL_CASE)

    updated = cases.update_case(session, case["ref"], {"summary": "Now released.", "tags": []})

    unchanged = {k: v for k, v in case.items() if k not in ("summary", "tags", "updated_at")}
    assert {k: v for k, v in updated.items() if k in unchanged} == unchanged
    assert (updated["summary"], updated["tags"]) == ("Now released.", [])


def test_update_case_changes_a_person_by_id(session):
    case = cases.add_case(session, FULL_CASE)
    hassan = case["people"][0]

    updated = cases.update_case(
        session, case["ref"], {"people": [{"id": hassan["id"], "contact": "moved, no phone"}]}
    )

    assert updated["people"][0] == hassan | {"contact": "moved, no phone"}
    assert updated["people"][1] == case["people"][1]


def test_get_case_uses_only_keys_documented_in_case_json(session):
    case = cases.add_case(session, FULL_CASE)

    case_keys = documented_keys("Case") | {"id", "ref", "created_at", "updated_at"}
    assert set(case) <= case_keys
    assert set(case["location"]) <= {"country", "region", "locality"}
    for person in case["people"]:
        assert set(person) <= documented_keys("People (case involvement)") | {"id"}
        for consent in person.get("consents", []):
            assert set(consent) <= documented_keys("Consents") | {"id"}
    for incident in case["incidents"]:
        assert set(incident) <= documented_keys("Incidents") | {"id"}
    for note in case["notes"]:
        # "The author is the user who unlocked the vault."
        assert set(note) <= documented_keys("Notes") | {"id", "author"}


def test_get_case_output_can_be_added_again_once_assigned_keys_are_removed(session):
    """Show and add share one shape: the output minus hrdesk's own keys is valid input."""
    case = cases.add_case(session, FULL_CASE)
    generated = {"id", "ref", "created_at", "updated_at"}
    again = {k: v for k, v in case.items() if k not in generated}
    again["people"] = [
        {k: v for k, v in p.items() if k != "id"}
        | (
            {"consents": [{k: v for k, v in c.items() if k != "id"} for c in p["consents"]]}
            if "consents" in p
            else {}
        )
        for p in case["people"]
    ]
    again["incidents"] = [{k: v for k, v in i.items() if k != "id"} for i in case["incidents"]]
    again["notes"] = [
        {k: v for k, v in n.items() if k not in ("id", "author")} for n in case["notes"]
    ]

    copy = cases.add_case(session, again)

    assert copy["title"] == case["title"]
    assert len(copy["people"]) == 2


# -- the op-log ---------------------------------------------------------------------------


def test_a_changed_field_appends_one_op_that_has_seen_the_previous_head(session):
    case = cases.add_case(session, {"title": "Old title"})
    (first,) = ops_for(session, case["id"], "title")
    before = op_count(session)

    cases.update_case(session, case["ref"], {"title": "New title"})

    assert op_count(session) == before + 1
    first_again, second = ops_for(session, case["id"], "title")
    assert first_again == first
    assert json.loads(first.seen) == []
    assert json.loads(second.seen) == [first.op_id]
    assert json.loads(second.value) == "New title"


def test_each_change_sees_the_op_it_replaces(session):
    case = cases.add_case(session, {"title": "T", "priority": "low"})

    for priority in ("normal", "high", "urgent"):
        cases.update_case(session, case["ref"], {"priority": priority})

    ops = ops_for(session, case["id"], "priority")
    assert [json.loads(op.value) for op in ops] == ["low", "normal", "high", "urgent"]
    assert [json.loads(op.seen) for op in ops] == [[]] + [[op.op_id] for op in ops[:-1]]


def test_a_person_field_change_is_an_op_on_the_person(session):
    case = cases.add_case(session, {"title": "T", "people": [{"name": "Old", "role": "witness"}]})
    person_id = session.conn.execute(
        "SELECT person_id FROM involvements WHERE id = ?", (case["people"][0]["id"],)
    ).fetchone()[0]
    (old,) = ops_for(session, person_id, "name")

    cases.update_case(
        session, case["ref"], {"people": [{"id": case["people"][0]["id"], "name": "New"}]}
    )

    _old, new = ops_for(session, person_id, "name")
    assert (new.entity, json.loads(new.value), json.loads(new.seen)) == (
        "person",
        "New",
        [old.op_id],
    )


def test_each_write_is_one_commit_in_a_contiguous_hash_chain_per_device(session):
    case = cases.add_case(session, FULL_CASE)
    cases.add_case(session, {"title": "Second"})
    cases.update_case(session, case["ref"], {"status": "closed", "notes": [{"text": "Closed."}]})

    commits = list(log.commit_digests(session.conn))
    device = session.writer.device
    # The vault's first user was the first commit; then one per write above.
    assert len(commits) == 4
    assert {commit.device_id for commit, _hash, _computed, _n in commits} == {device.device_id}
    assert [commit.seq for commit, _hash, _computed, _n in commits] == [1, 2, 3, 4]
    previous = log.GENESIS
    for commit, stored_hash, computed, count in commits:
        assert count > 0
        assert commit.prev_hash == previous
        assert computed == stored_hash
        previous = stored_hash
    saved = DeviceState.load(session.conn)
    assert (saved.seq, saved.chain_head) == (4, previous)
    assert sum(count for _c, _h, _d, count in commits) == op_count(session)


def test_streamed_commit_hash_equals_the_canonical_json_hash() -> None:
    import hashlib

    commit = log.Commit("dev", 7, "0001.00000", "user", log.GENESIS)
    ops = [("case", "id1", "title", '"T"', "[]"), ("note", "id2", "text", '"é"', '["a:1:0"]')]
    whole = log.canonical(["dev", 7, "0001.00000", "user", log.GENESIS, [list(op) for op in ops]])
    assert commit.digest(ops) == hashlib.sha256(whole.encode("utf-8")).hexdigest()
    empty = log.canonical(["dev", 7, "0001.00000", "user", log.GENESIS, []])
    assert commit.digest([]) == hashlib.sha256(empty.encode("utf-8")).hexdigest()


def test_altering_an_op_breaks_its_commit_hash(session):
    from hrdesk.store import integrity

    case = cases.add_case(session, {"title": "Original title"})
    session.conn.execute(
        "UPDATE ops SET value = ? WHERE entity_id = ? AND field = 'title'",
        ('"Forged title"', case["id"]),
    )
    session.conn.execute("UPDATE cases SET title = 'Forged title' WHERE id = ?", (case["id"],))
    problems = integrity.check(session)
    assert any("altered" in problem for problem in problems)


def test_ops_are_authored_by_the_unlocked_user(session):
    cases.add_case(session, {"title": "Mine"})

    assert {op.user_id for op in oplog(session)} == {session.user_id}


def test_an_update_with_unchanged_values_writes_no_op(session):
    case = cases.add_case(session, FULL_CASE)
    before = op_count(session)
    device_before = DeviceState.load(session.conn)

    cases.update_case(
        session,
        case["ref"],
        {
            "title": case["title"],
            "status": case["status"],
            "tags": case["tags"],
            "location": {"country": "SD"},
            "people": [{"id": case["people"][0]["id"], "name": "Hassan Ali", "role": "victim"}],
            "incidents": [
                {"id": case["incidents"][0]["id"], "violations": ["arbitrary-detention"]}
            ],
        },
    )

    assert op_count(session) == before
    after = DeviceState.load(session.conn)
    assert (after.seq, after.chain_head) == (device_before.seq, device_before.chain_head)


def test_a_failed_batch_leaves_no_op_no_case_and_the_counters_unchanged(session):
    device_before = DeviceState.load(session.conn)
    ops_before = op_count(session)

    with pytest.raises(RuntimeError, match="power cut"), session.writer.batch() as batch:
        ref = batch.next_case_ref(dt.date(2026, 1, 1))
        batch.put("case", "f" * 32, {"ref": ref, "title": "Doomed", "deleted": False}, new=True)
        raise RuntimeError("power cut")

    assert op_count(session) == ops_before
    assert session.conn.execute("SELECT count(*) FROM cases").fetchone()[0] == 0
    assert DeviceState.load(session.conn) == device_before
    assert session.writer.device == device_before
    first = cases.add_case(session, {"title": "Survivor", "opened_on": "2026-01-01"})
    assert first["ref"] == ref  # the number was not consumed
    assert REF.match(first["ref"])[3] == "0001"


def test_a_case_that_fails_halfway_through_writing_is_not_stored(session, monkeypatch):
    def fail(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(cases, "_write_new_note", fail)
    device_before = DeviceState.load(session.conn)
    ops_before = op_count(session)

    with pytest.raises(OSError, match="disk full"):
        cases.add_case(session, {"title": "Half", "notes": [{"text": "never"}]})

    assert op_count(session) == ops_before
    assert cases.list_cases(session, CaseFilter()) == []
    assert cases.search(session, "Half") == []
    assert DeviceState.load(session.conn) == device_before
    monkeypatch.undo()
    again = cases.add_case(session, {"title": "Whole", "notes": [{"text": "kept"}]})
    assert REF.match(again["ref"])[3] == "0001"


def test_add_cases_is_all_or_nothing_and_names_the_bad_item(session):
    ops_before = op_count(session)

    with pytest.raises(ValidationError) as caught:
        cases.add_cases(session, [{"title": "Fine"}, {"title": "Bad", "status": "pending"}])

    assert caught.value.path == "[1].status"
    assert op_count(session) == ops_before
    assert cases.list_cases(session, CaseFilter()) == []


# -- references ---------------------------------------------------------------------------


def test_refs_are_year_device_and_an_increasing_number(session):
    tag = session.writer.device.device_tag
    refs = [
        cases.add_case(session, {"title": f"Case {n}", "opened_on": opened})["ref"]
        for n, opened in enumerate(("2024-05-01", "2024-05-02", "2025-01-01", "2023-12-31"))
    ]

    assert refs == [f"2024-{tag}-0001", f"2024-{tag}-0002", f"2025-{tag}-0003", f"2023-{tag}-0004"]
    assert all(REF.match(ref) for ref in refs)
    assert len(set(refs)) == len(refs)


def test_show_case_accepts_a_lowercase_ref(session):
    case = cases.add_case(session, {"title": "Lowercase"})

    assert cases.show_case(session, f"  {case['ref'].lower()} ")["id"] == case["id"]


# -- history ------------------------------------------------------------------------------


def test_history_lists_each_change_from_old_to_new(session):
    case = cases.add_case(session, {"title": "Story", "status": "open"})
    cases.update_case(session, case["ref"], {"status": "on-hold"})
    cases.update_case(session, case["ref"], {"status": "closed"})

    entries = [e for e in cases.history(session, case["ref"]) if e["field"] == "status"]

    assert [(e["old"], e["new"]) for e in entries] == [
        (None, "open"),
        ("open", "on-hold"),
        ("on-hold", "closed"),
    ]
    assert {e["user"] for e in entries} == {"amina"}


def test_history_includes_changes_to_people_and_notes_of_the_case(session):
    case = cases.add_case(session, {"title": "T", "people": [{"name": "Old", "role": "witness"}]})
    other = cases.add_case(session, {"title": "Other", "notes": [{"text": "not this one"}]})
    cases.update_case(
        session,
        case["ref"],
        {"people": [{"id": case["people"][0]["id"], "name": "New"}], "notes": [{"text": "Hello"}]},
    )

    entries = cases.history(session, case["ref"])

    assert ("person", "name", "Old", "New") in [
        (e["entity"], e["field"], e["old"], e["new"]) for e in entries
    ]
    texts = [e["new"] for e in entries if (e["entity"], e["field"]) == ("note", "text")]
    assert texts == ["Hello"]
    assert other["id"] not in {e["entity_id"] for e in entries}


def test_a_person_linked_into_a_second_case_is_one_record(session):
    from hrdesk.services import people

    first = cases.add_case(
        session, {"title": "First", "people": [{"name": "Hassan Ali", "role": "victim"}]}
    )
    second = cases.add_case(session, {"title": "Second"})
    target = people.find(session, "hassan")[0]["target_id"]

    with pytest.raises(ValidationError, match=r"people\[0\]\.link: is only allowed when updating"):
        cases.add_case(session, {"title": "Third", "people": [{"link": target, "role": "victim"}]})
    with pytest.raises(ValidationError, match=r"people\[0\]\.name: a linked person"):
        cases.update_case(
            session, second["ref"], {"people": [{"link": target, "role": "victim", "name": "X"}]}
        )

    second = cases.update_case(
        session, second["ref"], {"people": [{"link": target, "role": "witness"}]}
    )
    assert [(p["name"], p["role"]) for p in second["people"]] == [("Hassan Ali", "witness")]
    with pytest.raises(ValidationError, match="already in this case"):
        cases.update_case(session, second["ref"], {"people": [{"link": target, "role": "witness"}]})
    with pytest.raises(ValidationError, match="not a recorded person"):
        cases.update_case(session, second["ref"], {"people": [{"link": "nope", "role": "witness"}]})

    # Correcting the person in one case corrects them everywhere.
    involvement = second["people"][0]["id"]
    cases.update_case(session, second["ref"], {"people": [{"id": involvement, "contact": "+249"}]})
    assert cases.show_case(session, first["ref"])["people"][0]["contact"] == "+249"
    assert [p["case_ref"] for p in people.find(session, "hassan")] == [first["ref"], second["ref"]]
    assert {c["ref"] for c in cases.search(session, "hassan")} == {first["ref"], second["ref"]}
