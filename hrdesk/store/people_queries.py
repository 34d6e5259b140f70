"""Finding people and actors across cases (the People directory)."""

from __future__ import annotations

from typing import Any

from hrdesk.core.textfold import fold, match_expression
from hrdesk.store.connection import Connection

_INVOLVED = (
    "SELECT i.id, i.role, c.id, c.ref, c.title, "
    "coalesce(p.name, a.name), coalesce(p.alias, a.alias), a.actor_type, "
    "coalesce(i.person_id, i.actor_id) "
    "FROM involvements i JOIN cases c ON c.id = i.case_id "
    "LEFT JOIN people p ON p.id = i.person_id LEFT JOIN actors a ON a.id = i.actor_id "
    "WHERE i.deleted = 0 AND c.deleted = 0 AND i.case_id IN ({cases})"
)


def find_involved(conn: Connection, text: str, limit: int = 200) -> list[dict[str, Any]]:
    """People and actors whose name or alias matches ``text`` (every word, as a prefix);
    with no text, those of the most recently changed cases."""
    expression = match_expression(text)
    if expression is None:
        cases = "SELECT id FROM cases WHERE deleted = 0 ORDER BY updated_at DESC LIMIT ?"
        params: tuple[Any, ...] = (limit,)
    else:
        # The search index finds the cases naming them; the names are then checked one by one.
        cases = (
            "SELECT c.id FROM case_search JOIN cases c ON c.num = case_search.rowid "
            "WHERE case_search MATCH ? LIMIT ?"
        )
        params = ("{people} : (" + expression + ")", limit * 4)
    rows = conn.execute(_INVOLVED.format(cases=cases), params).fetchall()
    wanted = fold(text).split()
    found = []
    for row in rows:
        names = fold(" ".join(part for part in (row[5], row[6]) if part)).split()
        if all(any(name.startswith(word) for name in names) for word in wanted):
            found.append(
                {
                    "involvement_id": row[0],
                    "role": row[1],
                    "case_id": row[2],
                    "case_ref": row[3],
                    "case_title": row[4],
                    "name": row[5],
                    "alias": row[6],
                    "actor_type": row[7],
                    "target_id": row[8],
                }
            )
    found.sort(key=lambda item: (fold(item["name"] or item["alias"] or ""), item["case_ref"]))
    return found[:limit]
