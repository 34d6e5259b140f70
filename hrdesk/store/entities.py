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
    # Columns filled when the record is created, from the creating commit rather than
    # from operations of their own: "user" (its author) or "time" (its clock, as ISO).
    created: tuple[tuple[str, str], ...] = ()

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


def _entity(
    name: str,
    table: str,
    fields: str,
    lists: str = "",
    bools: str = "deleted",
    created: tuple[tuple[str, str], ...] = (),
) -> Entity:
    return Entity(
        name, table, tuple(fields.split()), tuple(lists.split()), tuple(bools.split()), created
    )


ENTITIES: dict[str, Entity] = {
    entity.name: entity
    for entity in (
        _entity("user", "users", "name role deleted"),
        _entity(
            "case",
            "cases",
            "ref title summary status priority sensitivity opened_on closed_on country region "
            "locality tags assigned deleted",
            lists="tags assigned",
            created=(("created_by", "user"), ("created_at", "time")),
        ),
        _entity(
            "person",
            "people",
            "name alias sex gender birth_date birth_year age_range nationality languages "
            "contact vulnerabilities deleted",
            lists="languages vulnerabilities",
        ),
        _entity("actor", "actors", "name alias actor_type deleted"),
        _entity("involvement", "involvements", "case_id person_id actor_id role deleted"),
        _entity(
            "incident",
            "incidents",
            "case_id date date_precision place description violations victims perpetrators deleted",
            lists="violations victims perpetrators",
        ),
        _entity(
            "note",
            "notes",
            "case_id date text confidential deleted",
            bools="confidential deleted",
            created=(("author_id", "user"), ("created_at", "time")),
        ),
        _entity(
            "provider",
            "providers",
            "name services area languages contact notes deleted",
            lists="services languages",
        ),
        _entity(
            "service",
            "services",
            "case_id involvement_id type provider_id status requested_on started_on "
            "completed_on outcome consent_override deleted",
            created=(("created_by", "user"), ("created_at", "time")),
        ),
        _entity(
            "followup",
            "followups",
            "case_id service_id due_on text assignee_id done_on deleted",
            created=(("created_by", "user"),),
        ),
        _entity(
            "attachment",
            "attachments",
            "case_id blob_id blob_key filename size sha256 description source obtained_on deleted",
            created=(("received_by", "user"), ("created_at", "time")),
        ),
        _entity(
            "custody",
            "custody",
            "attachment_id case_id action result note deleted",
            created=(("by_user", "user"), ("at", "time")),
        ),
        _entity(
            "consent",
            "consents",
            "person_id case_id scope granted date withdrawn_on note deleted",
            bools="granted deleted",
            created=(("recorded_by", "user"),),
        ),
    )
}
