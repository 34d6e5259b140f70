"""Full-text search inside the encrypted database, across scripts."""

from __future__ import annotations

import pytest

from hrdesk.core.textfold import match_expression
from hrdesk.services import cases
from hrdesk.store.queries import CaseFilter


def _refs(session, query: str, **filters) -> list[str]:
    return [row["ref"] for row in cases.search(session, query, CaseFilter(**filters))]


@pytest.fixture
def yangon(session) -> str:
    return cases.add_case(
        session,
        {"title": "ရန်ကုန်မြို့ အဖမ်းခံရမှု", "location": {"country": "MM", "locality": "ရန်ကုန်"}},
    )["ref"]


def test_burmese_words_are_found_whole(session, yangon: str) -> None:
    assert _refs(session, "ရန်ကုန်") == [yangon]
    assert _refs(session, "အဖမ်းခံရမှု") == [yangon]


def test_burmese_fragments_inside_a_word_do_not_match(session, yangon: str) -> None:
    # "ကုန်" is the second syllable of "ရန်ကုန်": not a word of its own here.
    assert _refs(session, "ကုန်") == []


def test_devanagari_words_keep_their_vowel_signs(session) -> None:
    ref = cases.add_case(session, {"title": "नमस्ते दुनिया"})["ref"]
    assert _refs(session, "नमस्ते") == [ref]
    assert match_expression("नमस्ते") == '"नमस्ते"*'


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("مُحَمَّد أحمد", "محمد احمد"),  # short vowels and alef with hamza
        ("إبراهيم", "ابراهيم"),  # alef with hamza below
        ("فاطمة", "فاطمه"),  # teh marbuta typed as heh
        ("مصطفى", "مصطفي"),  # alef maksura typed as yeh
        ("کریمی", "كريمي"),  # Persian keheh and yeh
        ("שָׁלוֹם", "שלום"),  # Hebrew points
        ("Nuñez Café", "nunez cafe"),
        ("ПЕТРЕНКО", "петренко"),
    ],
)
def test_spelling_variants_find_each_other(session, stored: str, typed: str) -> None:
    ref = cases.add_case(
        session, {"title": "Case", "people": [{"name": stored, "role": "victim"}]}
    )["ref"]
    assert _refs(session, typed) == [ref]
    assert _refs(session, stored) == [ref]


def test_a_title_match_ranks_above_a_note_match(session) -> None:
    in_note = cases.add_case(
        session, {"title": "Unrelated", "notes": [{"text": "checkpoint mentioned once"}]}
    )["ref"]
    in_title = cases.add_case(session, {"title": "Checkpoint detention"})["ref"]
    assert _refs(session, "checkpoint") == [in_title, in_note]


def test_search_combines_with_structured_filters(session) -> None:
    open_case = cases.add_case(session, {"title": "Market raid", "status": "open"})["ref"]
    cases.add_case(
        session,
        {
            "title": "Market raid",
            "status": "closed",
            "closed_on": "2026-12-01",
            "opened_on": "2026-01-01",
        },
    )
    assert _refs(session, "market", status=["open"]) == [open_case]


def test_renaming_a_person_updates_the_index(session) -> None:
    case = cases.add_case(
        session, {"title": "T", "people": [{"name": "Old Name", "role": "victim"}]}
    )
    person_id = case["people"][0]["id"]
    cases.update_case(session, case["ref"], {"people": [{"id": person_id, "name": "Zainab"}]})
    assert _refs(session, "zainab") == [case["ref"]]
    assert _refs(session, "old name") == []


def test_removing_a_person_removes_them_from_search(session) -> None:
    case = cases.add_case(
        session, {"title": "T", "people": [{"name": "Gone Person", "role": "witness"}]}
    )
    cases.update_case(
        session, case["ref"], {"people": [{"id": case["people"][0]["id"], "deleted": True}]}
    )
    assert _refs(session, "gone") == []


def test_queries_that_are_only_punctuation_find_nothing(session) -> None:
    cases.add_case(session, {"title": "Anything"})
    assert _refs(session, '"*" AND ()') == []
    assert match_expression("   ") is None
