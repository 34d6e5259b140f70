"""Printing services' plain data for people (localized) or as JSON (stable)."""

from __future__ import annotations

import json
from itertools import groupby
from typing import Any

from hrdesk.core import vocab
from hrdesk.core.hlc import Timestamp
from hrdesk.i18n import _
from hrdesk.i18n.formatting import format_date, format_timestamp_ms


def print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def print_list(rows: list[dict[str, Any]]) -> None:
    if not rows:
        print(_("No cases found."))
        return
    for row in rows:
        print(
            "  ".join(
                [
                    row["ref"],
                    vocab.label("case-status", row["status"]),
                    vocab.label("priority", row["priority"]),
                    format_date(row["opened_on"]),
                    row["title"],
                ]
            )
        )


def print_case(case: dict[str, Any]) -> None:
    print(f"{case['ref']}  {case['title']}")
    print(
        _("Status: {status}   Priority: {priority}   Opened: {opened}").format(
            status=vocab.label("case-status", case["status"]),
            priority=vocab.label("priority", case["priority"]),
            opened=format_date(case.get("opened_on")),
        )
    )
    if case.get("summary"):
        print(case["summary"])
    for person in case.get("people", []):
        print(
            _("  {role}: {name}").format(
                role=vocab.label("role", person["role"]),
                name=person.get("name") or person.get("alias", ""),
            )
        )
    for incident in case.get("incidents", []):
        violations = ", ".join(vocab.label("violation", v) for v in incident["violations"])
        print(
            _("  Incident {date}: {violations}").format(
                date=format_date(incident.get("date")), violations=violations
            )
        )
    for note in case.get("notes", []):
        print(
            _("  Note {date} ({author}): {text}").format(
                date=format_date(note["date"]), author=note["author"], text=note["text"]
            )
        )


def print_history(entries: list[dict[str, Any]]) -> None:
    """One block per saved change (when, who), one line per field: old → new."""
    for (hlc, user), group in groupby(entries, key=lambda entry: (entry["hlc"], entry["user"])):
        when = format_timestamp_ms(Timestamp.decode(hlc).wall_ms)
        print(_("{when}  {user}").format(when=when, user=user))
        for entry in group:
            new = json.dumps(entry["new"], ensure_ascii=False)
            if entry["old"] is None:
                line = _("  {record}.{field}: {new}")
            else:
                line = _("  {record}.{field}: {old} → {new}")
            print(
                line.format(
                    record=entry["entity"],
                    field=entry["field"],
                    old=json.dumps(entry["old"], ensure_ascii=False),
                    new=new,
                )
            )
