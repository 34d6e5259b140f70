"""Which materialized table and columns each op-log entity writes to."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Entity:
    name: str
    table: str
    fields: tuple[str, ...]
    list_fields: tuple[str, ...] = ()
    bool_fields: tuple[str, ...] = ()

    def column_value(self, field: str, value: Any) -> Any:
        if field in self.list_fields:
            return json.dumps(value or [], ensure_ascii=False)
        if field in self.bool_fields:
            return None if value is None else int(bool(value))
        return value

    def python_value(self, field: str, column: Any) -> Any:
        if field in self.list_fields:
            return json.loads(column) if column else []
        if field in self.bool_fields:
            return None if column is None else bool(column)
        return column


ENTITIES: dict[str, Entity] = {
    entity.name: entity
    for entity in (
        Entity("user", "users", ("name", "role", "deleted"), bool_fields=("deleted",)),
        Entity(
            "case",
            "cases",
            (
                "ref",
                "title",
                "summary",
                "status",
                "priority",
                "sensitivity",
                "opened_on",
                "closed_on",
                "country",
                "region",
                "locality",
                "tags",
                "assigned",
                "created_by",
                "created_at",
                "deleted",
            ),
            list_fields=("tags", "assigned"),
            bool_fields=("deleted",),
        ),
        Entity(
            "person",
            "people",
            (
                "name",
                "alias",
                "sex",
                "gender",
                "birth_date",
                "birth_year",
                "age_range",
                "nationality",
                "languages",
                "contact",
                "vulnerabilities",
                "deleted",
            ),
            list_fields=("languages", "vulnerabilities"),
            bool_fields=("deleted",),
        ),
        Entity(
            "actor", "actors", ("name", "alias", "actor_type", "deleted"), bool_fields=("deleted",)
        ),
        Entity(
            "involvement",
            "involvements",
            ("case_id", "person_id", "actor_id", "role", "deleted"),
            bool_fields=("deleted",),
        ),
        Entity(
            "incident",
            "incidents",
            (
                "case_id",
                "date",
                "date_precision",
                "place",
                "description",
                "violations",
                "victims",
                "perpetrators",
                "deleted",
            ),
            list_fields=("violations", "victims", "perpetrators"),
            bool_fields=("deleted",),
        ),
        Entity(
            "note",
            "notes",
            ("case_id", "date", "text", "confidential", "author_id", "created_at", "deleted"),
            bool_fields=("confidential", "deleted"),
        ),
        Entity(
            "consent",
            "consents",
            (
                "person_id",
                "case_id",
                "scope",
                "granted",
                "date",
                "withdrawn_on",
                "note",
                "recorded_by",
                "deleted",
            ),
            bool_fields=("granted", "deleted"),
        ),
    )
}
