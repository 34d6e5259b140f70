"""Filtered case lists: each filter, both query forms the store chooses between,
newest first; and the WAL housekeeping that keeps writes fast."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from hrdesk.services import cases, demo
from hrdesk.store import queries
from hrdesk.store.queries import CaseFilter


@pytest.fixture
def filled(session):
    demo.fill(session, 120, seed=7, today=dt.date(2026, 11, 1))
    return session


def _expected(session, keep) -> list[str]:
    """Refs of every case for which ``keep(case)`` holds, newest first, in Python."""
    every = cases.list_cases(session, CaseFilter(), limit=10_000)
    full = {row["ref"]: cases.show_case(session, row["ref"]) for row in every}
    return [row["ref"] for row in every if keep(full[row["ref"]])]


def _violations(case) -> set[str]:
    return {v for incident in case["incidents"] for v in incident["violations"]}


FILTERS = {
    "status": (
        {"status": ["open", "active"]},
        lambda c: c["status"] in ("open", "active"),
    ),
    "one status": ({"status": ["closed"]}, lambda c: c["status"] == "closed"),
    "status+violation": (
        {"status": ["open", "active"], "violation": ["arbitrary-detention"]},
        lambda c: c["status"] in ("open", "active") and "arbitrary-detention" in _violations(c),
    ),
    "violation+country": (
        {"violation": ["killing", "enforced-disappearance"], "country": ["SD", "MM"]},
        lambda c: (
            _violations(c) & {"killing", "enforced-disappearance"}
            and c.get("location", {}).get("country") in ("SD", "MM")
        ),
    ),
    "priority+dates": (
        {"priority": ["high", "urgent"], "opened_from": "2025-06-01", "opened_to": "2026-06-30"},
        lambda c: (
            c["priority"] in ("high", "urgent") and "2025-06-01" <= c["opened_on"] <= "2026-06-30"
        ),
    ),
}


@pytest.mark.parametrize("rare_below", [0, 1_000_000], ids=["walk-newest-first", "fetch-terms"])
@pytest.mark.parametrize("name", list(FILTERS))
def test_filters_return_exactly_the_matching_cases_newest_first(
    filled, monkeypatch: pytest.MonkeyPatch, name: str, rare_below: int
) -> None:
    monkeypatch.setattr(queries, "RARE_TERM_CASES", rare_below)
    arguments, keep = FILTERS[name]
    expected = _expected(filled, keep)
    found = [row["ref"] for row in cases.list_cases(filled, CaseFilter(**arguments), limit=10_000)]
    assert expected, "the demo data should exercise this filter"
    assert found == expected
    assert queries.count_cases(filled.conn, CaseFilter(**arguments)) == len(expected)


@pytest.mark.parametrize("rare_below", [0, 1_000_000])
def test_assigned_and_tag_filters_in_both_forms(
    session, monkeypatch: pytest.MonkeyPatch, rare_below: int
) -> None:
    monkeypatch.setattr(queries, "RARE_TERM_CASES", rare_below)
    mine = cases.add_case(session, {"title": "Mine", "assigned": ["amina"], "tags": ["Marché"]})
    cases.add_case(session, {"title": "Nobody's", "tags": ["other"]})
    me = CaseFilter(assigned=[session.user_id])
    assert [row["ref"] for row in cases.list_cases(session, me)] == [mine["ref"]]
    tagged = CaseFilter(tag=["marche"])
    assert [row["ref"] for row in cases.list_cases(session, tagged)] == [mine["ref"]]
    assert cases.list_cases(session, CaseFilter(tag=["unused"])) == []


def test_pages_do_not_overlap_and_cover_everything(filled) -> None:
    pages = [
        [row["ref"] for row in cases.list_cases(filled, CaseFilter(), limit=50, offset=offset)]
        for offset in (0, 50, 100)
    ]
    flat = [ref for page in pages for ref in page]
    assert len(flat) == len(set(flat)) == 120


def test_the_wal_is_emptied_when_the_vault_locks(session, vault_dir: Path) -> None:
    for number in range(20):
        cases.add_case(session, {"title": f"Case {number}", "summary": "text " * 200})
    wal = vault_dir / "hrdesk.db-wal"
    assert wal.stat().st_size > 0
    session.lock()
    assert not wal.exists() or wal.stat().st_size == 0


def test_idle_housekeeping_checkpoints_without_losing_anything(session, vault_dir: Path) -> None:
    ref = cases.add_case(session, {"title": "Kept"})["ref"]
    session.idle()
    assert cases.show_case(session, ref)["title"] == "Kept"
