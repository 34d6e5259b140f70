"""JSON shapes of support services, providers and follow-ups (docs/services-json.md).

Unknown keys are errors, and every error names its field, as for cases.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hrdesk.core import validate as v
from hrdesk.core.errors import ValidationError
from hrdesk.i18n import _

_SERVICE = {
    "type": v.slug("service-type"),
    "person": v.text(300, allow_empty=False),
    "provider": v.optional(v.text(300, allow_empty=False)),
    "status": v.slug("service-status"),
    "requested_on": v.date,
    "started_on": v.optional(v.date),
    "completed_on": v.optional(v.date),
    "outcome": v.text(10_000),
    "follow_up_on": v.optional(v.date),
    "consent_override": v.text(2_000, allow_empty=False),
}
_SERVICE_UPDATE = {
    key: _SERVICE[key]
    for key in (
        "provider",
        "status",
        "started_on",
        "completed_on",
        "outcome",
        "follow_up_on",
        "consent_override",
    )
}

_PROVIDER = {
    "name": v.text(300, allow_empty=False),
    "services": v.list_of(v.slug("service-type"), unique=True),
    "area": v.text(300),
    "languages": v.list_of(v.language_code, unique=True),
    "contact": v.text(2_000),
    "notes": v.text(10_000),
}

_FOLLOWUP = {
    "due_on": v.date,
    "text": v.text(2_000, allow_empty=False),
    "assignee": v.text(100, allow_empty=False),
    "service": v.text(64, allow_empty=False),
}


def parse_new_service(data: Any, today: dt.date, path: str = "") -> dict[str, Any]:
    service = v.fields(data, path, _SERVICE, required=("type", "person"))
    service.setdefault("status", "planned")
    service.setdefault("requested_on", today.isoformat())
    _check_dates(service, path)
    return service


def parse_service_update(data: Any) -> dict[str, Any]:
    update = v.fields(data, "", _SERVICE_UPDATE)
    if not update:
        raise ValidationError("", _("nothing to change"))
    return update


def parse_provider(data: Any) -> dict[str, Any]:
    return v.fields(data, "", _PROVIDER, required=("name",))


def parse_followup(data: Any) -> dict[str, Any]:
    return v.fields(data, "", _FOLLOWUP, required=("due_on", "text"))


def _check_dates(service: dict[str, Any], path: str = "") -> None:
    prefix = f"{path}." if path else ""
    started, completed = service.get("started_on"), service.get("completed_on")
    if started and started < service["requested_on"]:
        raise ValidationError(f"{prefix}started_on", _("cannot be before requested_on"))
    if completed and completed < (started or service["requested_on"]):
        raise ValidationError(f"{prefix}completed_on", _("cannot be before the service started"))
